//! MLLP framing (HL7 Minimal Lower Layer Protocol): a message travels as `0x0B` + bytes +
//! `0x1C 0x0D`. The decoder is pure and incremental: a reader (blocking or async) pushes the
//! chunks it reads, in any sizes, and takes the frames out; it never touches a socket.
//!
//! Rules: bytes before a start block are ignored (and counted); a frame ends at its `0x1C`
//! (the `0x0D` after it is expected and skipped, but a sender that forgets it is not left
//! waiting); a frame over the size limit is reported once and its bytes dropped until the next
//! start block; a start block inside a frame, or the end of the stream inside a frame, reports
//! that frame as truncated. The payload is charset-independent bytes: the ER7 parser decodes
//! it. The one-byte commit ACK/NAK of MLLP release 2 is not used (the volets ACK with an HL7
//! message).

use std::collections::VecDeque;

use super::Hl7Error;

pub const START_BLOCK: u8 = 0x0B;
pub const END_BLOCK: u8 = 0x1C;
pub const CARRIAGE_RETURN: u8 = 0x0D;

/// 32 MiB: a CDA with its PDF, base64-encoded, is far below.
pub const DEFAULT_MAX_FRAME_BYTES: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Looking for a start block.
    Idle,
    /// A frame just ended: a CR here is its trailer.
    AfterEnd,
    /// Inside a frame.
    InFrame,
    /// Inside a frame over the limit: dropping bytes until it ends or another starts.
    Discarding,
}

/// Frames out of a byte stream.
#[derive(Debug)]
pub struct MllpDecoder {
    max_frame_bytes: usize,
    state: State,
    frame: Vec<u8>,
    ready: VecDeque<Result<Vec<u8>, Hl7Error>>,
    skipped: u64,
}

impl Default for MllpDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME_BYTES)
    }
}

impl MllpDecoder {
    pub fn new(max_frame_bytes: usize) -> Self {
        Self {
            max_frame_bytes,
            state: State::Idle,
            frame: Vec::new(),
            ready: VecDeque::new(),
            skipped: 0,
        }
    }

    /// Feeds the next bytes of the stream; frames and errors found are queued for
    /// [`MllpDecoder::next_frame`].
    pub fn push(&mut self, mut input: &[u8]) {
        while let Some(&first) = input.first() {
            match self.state {
                State::AfterEnd if first == CARRIAGE_RETURN => {
                    input = &input[1..];
                    self.state = State::Idle;
                }
                State::Idle | State::AfterEnd => {
                    self.state = State::Idle;
                    match input.iter().position(|&b| b == START_BLOCK) {
                        Some(i) => {
                            self.count_skipped(i);
                            input = &input[i + 1..];
                            self.frame.clear();
                            self.state = State::InFrame;
                        }
                        None => {
                            self.count_skipped(input.len());
                            return;
                        }
                    }
                }
                State::InFrame => {
                    let stop = input
                        .iter()
                        .position(|&b| b == END_BLOCK || b == START_BLOCK);
                    let data = &input[..stop.unwrap_or(input.len())];
                    if self.frame.len() + data.len() > self.max_frame_bytes {
                        self.ready.push_back(Err(Hl7Error::FrameTooLarge {
                            max: self.max_frame_bytes,
                        }));
                        self.frame = Vec::new();
                        self.state = State::Discarding;
                        continue;
                    }
                    self.frame.extend_from_slice(data);
                    let Some(i) = stop else { return };
                    if input[i] == END_BLOCK {
                        let frame = std::mem::take(&mut self.frame);
                        self.ready.push_back(Ok(frame));
                        self.state = State::AfterEnd;
                    } else {
                        self.ready.push_back(Err(Hl7Error::FrameTruncated));
                        self.frame.clear();
                    }
                    input = &input[i + 1..];
                }
                State::Discarding => {
                    match input
                        .iter()
                        .position(|&b| b == END_BLOCK || b == START_BLOCK)
                    {
                        Some(i) => {
                            self.count_skipped(i);
                            self.state = if input[i] == END_BLOCK {
                                State::AfterEnd
                            } else {
                                State::InFrame
                            };
                            input = &input[i + 1..];
                        }
                        None => {
                            self.count_skipped(input.len());
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The next complete frame (its payload) or framing error, in stream order.
    pub fn next_frame(&mut self) -> Option<Result<Vec<u8>, Hl7Error>> {
        self.ready.pop_front()
    }

    /// The stream has ended: a frame still open is reported as truncated (take the queued
    /// frames first). The decoder is then ready for a new stream.
    pub fn finish(&mut self) -> Option<Hl7Error> {
        let open = self.state == State::InFrame;
        self.state = State::Idle;
        self.frame = Vec::new();
        open.then_some(Hl7Error::FrameTruncated)
    }

    /// Whether part of a frame has been received (for an idle timeout: a peer that stops in
    /// the middle of a frame, rather than between frames).
    pub fn in_frame(&self) -> bool {
        matches!(self.state, State::InFrame | State::Discarding)
    }

    /// Bytes ignored so far: outside frames, or dropped from frames over the limit.
    pub fn skipped_bytes(&self) -> u64 {
        self.skipped
    }

    fn count_skipped(&mut self, n: usize) {
        self.skipped = self.skipped.saturating_add(n as u64);
    }
}

/// One message framed for MLLP.
pub fn encode(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 3);
    encode_into(payload, &mut out);
    out
}

/// Appends one framed message to `out`. The payload must not hold 0x0B or 0x1C (the ER7
/// writer escapes every control character).
pub fn encode_into(payload: &[u8], out: &mut Vec<u8>) {
    out.reserve(payload.len() + 3);
    out.push(START_BLOCK);
    out.extend_from_slice(payload);
    out.push(END_BLOCK);
    out.push(CARRIAGE_RETURN);
}

#[cfg(test)]
mod tests {
    use super::*;

    type Item = Result<Vec<u8>, Hl7Error>;

    fn drain(decoder: &mut MllpDecoder) -> Vec<Item> {
        std::iter::from_fn(|| decoder.next_frame()).collect()
    }

    fn decode_chunks(chunks: &[&[u8]], max: usize) -> (Vec<Item>, Option<Hl7Error>) {
        let mut decoder = MllpDecoder::new(max);
        let mut items = Vec::new();
        for chunk in chunks {
            decoder.push(chunk);
            items.extend(drain(&mut decoder));
        }
        (items, decoder.finish())
    }

    fn stream() -> Vec<u8> {
        let mut bytes = b"junk\r\n".to_vec();
        encode_into(b"MSH|^~\\&|A\rPID|1\r", &mut bytes);
        encode_into(b"", &mut bytes);
        bytes.extend_from_slice(b"\r\n");
        encode_into(b"MSH|^~\\&|B\r", &mut bytes);
        bytes
    }

    fn expected() -> Vec<Item> {
        vec![
            Ok(b"MSH|^~\\&|A\rPID|1\r".to_vec()),
            Ok(Vec::new()),
            Ok(b"MSH|^~\\&|B\r".to_vec()),
        ]
    }

    #[test]
    fn whole_stream_with_junk_before_and_between() {
        let (items, end) = decode_chunks(&[&stream()], 1024);
        assert_eq!(items, expected());
        assert_eq!(end, None);
        let mut decoder = MllpDecoder::new(1024);
        decoder.push(&stream());
        // "junk\r\n" before, "\r\n" between: the CR after each end block is not junk.
        assert_eq!(decoder.skipped_bytes(), 6 + 2);
    }

    #[test]
    fn split_at_every_byte_position() {
        let bytes = stream();
        for i in 0..=bytes.len() {
            let (items, end) = decode_chunks(&[&bytes[..i], &bytes[i..]], 1024);
            assert_eq!(items, expected(), "split at {i}");
            assert_eq!(end, None);
        }
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(decode_chunks(&singles, 1024).0, expected());
    }

    #[test]
    fn oversize_frame_is_reported_then_the_next_one_read() {
        let mut bytes = encode(&[b'x'; 100]);
        bytes.extend(encode(b"small"));
        for i in 0..=bytes.len() {
            let (items, end) = decode_chunks(&[&bytes[..i], &bytes[i..]], 10);
            assert_eq!(
                items,
                vec![
                    Err(Hl7Error::FrameTooLarge { max: 10 }),
                    Ok(b"small".to_vec())
                ],
                "split at {i}"
            );
            assert_eq!(end, None);
        }
        // Exactly at the limit is fine.
        assert_eq!(
            decode_chunks(&[&encode(&[b'y'; 10])], 10).0,
            vec![Ok(vec![b'y'; 10])]
        );
        // An oversize frame cut by a new start block: reported once, the next frame read.
        let mut bytes = vec![START_BLOCK];
        bytes.extend([b'z'; 20]);
        bytes.extend(encode(b"next"));
        let (items, _) = decode_chunks(&[&bytes], 10);
        assert_eq!(
            items,
            vec![
                Err(Hl7Error::FrameTooLarge { max: 10 }),
                Ok(b"next".to_vec())
            ]
        );
    }

    #[test]
    fn truncated_frames() {
        // The stream ends inside a frame.
        let (items, end) = decode_chunks(&[b"\x0bMSH|^~\\&|A"], 1024);
        assert!(items.is_empty());
        assert_eq!(end, Some(Hl7Error::FrameTruncated));
        assert!(end.is_some_and(|e| e.is_retryable()));
        // A new start block inside a frame.
        let (items, end) = decode_chunks(&[b"\x0bpartial\x0bwhole\x1c\r"], 1024);
        assert_eq!(
            items,
            vec![Err(Hl7Error::FrameTruncated), Ok(b"whole".to_vec())]
        );
        assert_eq!(end, None);
        // A missing CR after the end block loses nothing.
        let (items, _) = decode_chunks(&[b"\x0ba\x1c\x0bb\x1c"], 1024);
        assert_eq!(items, vec![Ok(b"a".to_vec()), Ok(b"b".to_vec())]);
        // Only junk: nothing, and nothing open.
        let mut decoder = MllpDecoder::default();
        decoder.push(b"\x1c\r\n garbage");
        assert!(!decoder.in_frame());
        assert_eq!(decoder.next_frame(), None);
        assert_eq!(decoder.finish(), None);
    }

    #[test]
    fn decoder_state_for_idle_timeouts() {
        let mut decoder = MllpDecoder::default();
        decoder.push(b"\x0bMSH");
        assert!(decoder.in_frame());
        decoder.push(b"|^~\\&\x1c");
        assert!(!decoder.in_frame());
        assert_eq!(decoder.next_frame(), Some(Ok(b"MSH|^~\\&".to_vec())));
    }
}
