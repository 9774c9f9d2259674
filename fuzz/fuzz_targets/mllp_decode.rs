//! Fuzz target: any byte stream given to the MLLP decoder, in chunks of any size (the first
//! byte chooses the chunk size), must give frames or errors, never a panic or a frame over the
//! limit; and a frame's payload encoded again must come back whole.

#![no_main]

use chevet_fuzz::hl7::mllp::{MllpDecoder, encode};
use libfuzzer_sys::fuzz_target;

const MAX_FRAME_BYTES: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, stream)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk).max(1);
    let mut decoder = MllpDecoder::new(MAX_FRAME_BYTES);
    let mut frames = Vec::new();
    for piece in stream.chunks(chunk) {
        decoder.push(piece);
        while let Some(frame) = decoder.next_frame() {
            if let Ok(payload) = frame {
                assert!(payload.len() <= MAX_FRAME_BYTES, "a frame over the limit");
                frames.push(payload);
            }
        }
    }
    let _ = decoder.finish();
    for payload in frames {
        let mut again = MllpDecoder::new(MAX_FRAME_BYTES);
        again.push(&encode(&payload));
        match again.next_frame() {
            Some(Ok(back)) => assert_eq!(back, payload, "a frame encoded again differs"),
            other => panic!("a decoded frame encoded again is not one frame: {other:?}"),
        }
    }
});
