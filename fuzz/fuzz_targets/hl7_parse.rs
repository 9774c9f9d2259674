//! Fuzz target: any bytes given to the HL7 v2 parser (what the MLLP listener hands it) must give
//! a message or an error, never a panic, a hang or unbounded memory. Every segment, field,
//! repetition, component and subcomponent of a message must be readable, decoded; its ACK must
//! be written and must parse again.

#![no_main]

use chevet_fuzz::hl7::ack::{Ack, AckCode, AckParams};
use chevet_fuzz::hl7::er7;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(message) = er7::parse(data) else {
        return;
    };
    for segment in message.all_segments() {
        let _ = segment.name();
        for field in segment.fields() {
            for repetition in field.repetitions() {
                for component in repetition.components() {
                    for subcomponent in component.subcomponents() {
                        let _ = subcomponent.text();
                    }
                }
            }
        }
    }
    let _ = (message.message_type(), message.control_id(), message.version());
    let params = AckParams {
        control_id: "ACK1",
        timestamp: "20261205120000",
    };
    let ack = Ack::for_message(&message, AckCode::Accept, &[], &params).to_bytes();
    assert!(er7::parse(&ack).is_ok(), "an ACK Chevet wrote does not parse");
});
