//! ISO/IEC 7816-4 APDUs: building the short C-APDUs the CPS profile uses, parsing R-APDUs
//! and status words, the exchange loop (GET RESPONSE on `61xx`, resend on `6Cxx`) and READ
//! BINARY of a whole file in chunks. Command data is held in `Zeroizing` buffers (it may be a
//! PIN block) and never logged: traces show the instruction and the status word only.

use zeroize::Zeroizing;

use super::cps::CardChannel;
use super::error::CardError;

/// Status words the client tells apart.
pub mod sw {
    pub const OK: u16 = 0x9000;
    /// End of file reached before Le bytes (data still returned).
    pub const END_OF_FILE: u16 = 0x6282;
    pub const WRONG_LENGTH: u16 = 0x6700;
    pub const SECURITY_NOT_SATISFIED: u16 = 0x6982;
    pub const AUTH_METHOD_BLOCKED: u16 = 0x6983;
    pub const COMMAND_NOT_ALLOWED_NO_EF: u16 = 0x6986;
    pub const WRONG_DATA: u16 = 0x6A80;
    pub const FILE_NOT_FOUND: u16 = 0x6A82;
    pub const WRONG_P1P2: u16 = 0x6A86;
    pub const REFERENCE_NOT_FOUND: u16 = 0x6A88;
    pub const WRONG_OFFSET: u16 = 0x6B00;
    pub const INS_NOT_SUPPORTED: u16 = 0x6D00;
    pub const CLA_NOT_SUPPORTED: u16 = 0x6E00;
}

/// Most bytes the exchange loop gathers through GET RESPONSE for one command.
const MAX_RESPONSE: usize = 64 * 1024;

/// A short command APDU.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    data: Zeroizing<Vec<u8>>,
    /// Expected length, 1..=256 (256 is encoded `00`); `None`: no Le.
    le: Option<u16>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Command({:02X} {:02X} {:02X} {:02X}, {} data bytes, le {:?})",
            self.cla,
            self.ins,
            self.p1,
            self.p2,
            self.data.len(),
            self.le
        )
    }
}

impl Command {
    /// A command; fails when the data does not fit a short APDU or `le` is out of 1..=256.
    pub fn new(header: [u8; 4], data: &[u8], le: Option<u16>) -> Result<Self, CardError> {
        if data.len() > 255 {
            return Err(CardError::Malformed("command data longer than 255 bytes"));
        }
        if le.is_some_and(|n| n == 0 || n > 256) {
            return Err(CardError::Malformed("Le out of range"));
        }
        let [cla, ins, p1, p2] = header;
        Ok(Self {
            cla,
            ins,
            p1,
            p2,
            data: Zeroizing::new(data.to_vec()),
            le,
        })
    }

    /// The same command asking for `le` bytes.
    pub fn with_le(&self, le: u16) -> Result<Self, CardError> {
        Self::new([self.cla, self.ins, self.p1, self.p2], &self.data, Some(le))
    }

    /// The encoded APDU (ISO 7816-4 short cases 1 to 4).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(6 + self.data.len()));
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if !self.data.is_empty() {
            // `new` bounds the data to 255 bytes.
            out.push(u8::try_from(self.data.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            out.push(if le >= 256 { 0 } else { le as u8 });
        }
        out
    }
}

/// SELECT by name (AID), no answer data wanted (`P2 = 0C`).
pub fn select_aid(aid: &[u8]) -> Result<Command, CardError> {
    Command::new([0x00, 0xA4, 0x04, 0x0C], aid, None)
}

/// SELECT an elementary file by its id in the current DF, no answer data wanted.
pub fn select_file(file_id: u16) -> Result<Command, CardError> {
    Command::new([0x00, 0xA4, 0x02, 0x0C], &file_id.to_be_bytes(), None)
}

/// READ BINARY of the current EF at `offset` (at most 0x7FFF: P1's top bit must stay 0).
pub fn read_binary(offset: usize, le: u16) -> Result<Command, CardError> {
    let offset = u16::try_from(offset)
        .ok()
        .filter(|o| *o <= 0x7FFF)
        .ok_or(CardError::Malformed("file offset beyond 0x7FFF"))?;
    let [p1, p2] = offset.to_be_bytes();
    Command::new([0x00, 0xB0, p1, p2], &[], Some(le))
}

/// GET RESPONSE for `available` bytes (the `xx` of `61xx`, 0 meaning 256).
pub fn get_response(available: u8) -> Result<Command, CardError> {
    let le = if available == 0 {
        256
    } else {
        u16::from(available)
    };
    Command::new([0x00, 0xC0, 0x00, 0x00], &[], Some(le))
}

/// VERIFY with a PIN block.
pub fn verify(pin_reference: u8, pin_block: &[u8]) -> Result<Command, CardError> {
    Command::new([0x00, 0x20, 0x00, pin_reference], pin_block, None)
}

/// VERIFY without data: asks the PIN status (`63Cx`: x tries left, `9000`: already verified).
pub fn verify_status(pin_reference: u8) -> Result<Command, CardError> {
    Command::new([0x00, 0x20, 0x00, pin_reference], &[], None)
}

/// MSE SET of `template` (`A4` authentication, `B6` signature) with a private key reference
/// (tag 84) and an algorithm reference (tag 80).
pub fn mse_set(
    template: u8,
    key_reference: u8,
    algorithm_reference: u8,
) -> Result<Command, CardError> {
    Command::new(
        [0x00, 0x22, 0x41, template],
        &[0x84, 0x01, key_reference, 0x80, 0x01, algorithm_reference],
        None,
    )
}

/// INTERNAL AUTHENTICATE (algorithm and key from the current security environment).
pub fn internal_authenticate(input: &[u8]) -> Result<Command, CardError> {
    Command::new([0x00, 0x88, 0x00, 0x00], input, Some(256))
}

/// PSO COMPUTE DIGITAL SIGNATURE over the given input (a DigestInfo here).
pub fn pso_compute_signature(input: &[u8]) -> Result<Command, CardError> {
    Command::new([0x00, 0x2A, 0x9E, 0x9A], input, Some(256))
}

/// A response APDU: data and status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Zeroizing<Vec<u8>>,
    pub sw: u16,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Response({} bytes, {:04X})", self.data.len(), self.sw)
    }
}

impl Response {
    /// Splits a raw R-APDU; fewer than two bytes is malformed.
    pub fn parse(raw: &[u8]) -> Result<Self, CardError> {
        let Some(split) = raw.len().checked_sub(2) else {
            return Err(CardError::Malformed("answer shorter than a status word"));
        };
        let (data, status) = raw.split_at(split);
        let sw = u16::from_be_bytes([status[0], status[1]]);
        Ok(Self {
            data: Zeroizing::new(data.to_vec()),
            sw,
        })
    }

    pub fn sw1(&self) -> u8 {
        self.sw.to_be_bytes()[0]
    }

    pub fn sw2(&self) -> u8 {
        self.sw.to_be_bytes()[1]
    }

    /// The data when the status is `9000`, else `CardError::Status`.
    pub fn ok(self) -> Result<Zeroizing<Vec<u8>>, CardError> {
        if self.sw == sw::OK {
            Ok(self.data)
        } else {
            Err(CardError::Status(self.sw))
        }
    }
}

/// Sends `command`, following `61xx` with GET RESPONSE and answering `6Cxx` by sending the
/// command again with the right Le (once). The final status word is the card's last one.
pub fn exchange(ch: &mut dyn CardChannel, command: &Command) -> Result<Response, CardError> {
    let mut response = transmit_once(ch, command)?;
    if response.sw1() == 0x6C && command.le.is_some() {
        let le = if response.sw2() == 0 {
            256
        } else {
            u16::from(response.sw2())
        };
        response = transmit_once(ch, &command.with_le(le)?)?;
    }
    let mut data = Zeroizing::new(std::mem::take(&mut *response.data));
    while response.sw1() == 0x61 {
        if data.len() > MAX_RESPONSE {
            return Err(CardError::Malformed("answer too long"));
        }
        response = transmit_once(ch, &get_response(response.sw2())?)?;
        data.extend_from_slice(&response.data);
    }
    Ok(Response {
        data,
        sw: response.sw,
    })
}

fn transmit_once(ch: &mut dyn CardChannel, command: &Command) -> Result<Response, CardError> {
    let raw = Zeroizing::new(ch.transmit(&command.to_bytes())?);
    let response = Response::parse(&raw)?;
    tracing::trace!(
        ins = format_args!("{:02X}", command.ins),
        sw = format_args!("{:04X}", response.sw),
        len = response.data.len(),
        "apdu"
    );
    Ok(response)
}

/// Reads the whole current EF with READ BINARY in `chunk`-byte steps, until a short answer,
/// `6282` or `6B00` (offset past the end). Refuses files above `max_size` and answers longer
/// than asked.
pub fn read_current_file(
    ch: &mut dyn CardChannel,
    chunk: u16,
    max_size: usize,
) -> Result<Vec<u8>, CardError> {
    let chunk = chunk.clamp(1, 256);
    let mut out = Vec::new();
    loop {
        if out.len() >= max_size {
            return Err(CardError::Malformed("file too large"));
        }
        let response = exchange(ch, &read_binary(out.len(), chunk)?)?;
        let last = match response.sw {
            sw::OK => false,
            sw::END_OF_FILE => true,
            sw::WRONG_OFFSET if !out.is_empty() => break,
            other => return Err(CardError::Status(other)),
        };
        if response.data.len() > usize::from(chunk) {
            return Err(CardError::Malformed("READ BINARY answered more than asked"));
        }
        out.extend_from_slice(&response.data);
        if last || response.data.len() < usize::from(chunk) {
            break;
        }
    }
    if out.len() > max_size {
        return Err(CardError::Malformed("file too large"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers from a script, recording the commands.
    struct Script {
        answers: Vec<Vec<u8>>,
        sent: Vec<Vec<u8>>,
    }

    impl CardChannel for Script {
        fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
            self.sent.push(command.to_vec());
            if self.answers.is_empty() {
                return Err(CardError::Removed);
            }
            Ok(self.answers.remove(0))
        }
    }

    fn script(answers: &[&[u8]]) -> Script {
        Script {
            answers: answers.iter().map(|a| a.to_vec()).collect(),
            sent: Vec::new(),
        }
    }

    #[test]
    fn encodes_the_four_cases() {
        assert_eq!(
            *select_file(0xC000).expect("cmd").to_bytes(),
            vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0xC0, 0x00]
        );
        assert_eq!(
            *read_binary(0x1E7, 0xE7).expect("cmd").to_bytes(),
            vec![0x00, 0xB0, 0x01, 0xE7, 0xE7]
        );
        assert_eq!(
            *verify_status(0x81).expect("cmd").to_bytes(),
            vec![0x00, 0x20, 0x00, 0x81]
        );
        assert_eq!(
            *internal_authenticate(&[1, 2]).expect("cmd").to_bytes(),
            vec![0x00, 0x88, 0x00, 0x00, 0x02, 1, 2, 0x00]
        );
        assert_eq!(
            *mse_set(0xA4, 0x82, 0x02).expect("cmd").to_bytes(),
            vec![
                0x00, 0x22, 0x41, 0xA4, 0x06, 0x84, 0x01, 0x82, 0x80, 0x01, 0x02
            ]
        );
        assert!(read_binary(0x8000, 1).is_err());
        assert!(Command::new([0; 4], &[0; 256], None).is_err());
        assert!(Command::new([0; 4], &[], Some(0)).is_err());
    }

    #[test]
    fn debug_never_shows_data() {
        let cmd = verify(0x81, b"1234\xFF\xFF\xFF\xFF").expect("cmd");
        let shown = format!("{cmd:?}");
        assert!(!shown.contains("1234") && !shown.contains("31"), "{shown}");
    }

    #[test]
    fn short_answers_are_errors() {
        assert!(Response::parse(&[]).is_err());
        assert!(Response::parse(&[0x90]).is_err());
        let r = Response::parse(&[1, 0x90, 0x00]).expect("parse");
        assert_eq!((r.data.as_slice(), r.sw), (&[1u8][..], 0x9000));
    }

    #[test]
    fn follows_get_response_and_wrong_le() {
        let mut ch = script(&[&[0x61, 0x02], &[7, 8, 0x61, 0x01], &[9, 0x90, 0x00]]);
        let r = exchange(&mut ch, &internal_authenticate(&[1]).expect("cmd")).expect("ok");
        assert_eq!((r.data.as_slice(), r.sw), (&[7u8, 8, 9][..], 0x9000));
        assert_eq!(ch.sent[1], vec![0x00, 0xC0, 0x00, 0x00, 0x02]);

        let mut ch = script(&[&[0x6C, 0x03], &[1, 2, 3, 0x90, 0x00]]);
        let r = exchange(&mut ch, &read_binary(0, 0xE7).expect("cmd")).expect("ok");
        assert_eq!(r.data.len(), 3);
        assert_eq!(ch.sent[1], vec![0x00, 0xB0, 0x00, 0x00, 0x03]);
    }

    #[test]
    fn endless_get_response_is_bounded() {
        struct Endless;
        impl CardChannel for Endless {
            fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, CardError> {
                Ok(vec![0u8; 256].into_iter().chain([0x61, 0x00]).collect())
            }
        }
        let r = exchange(&mut Endless, &internal_authenticate(&[1]).expect("cmd"));
        assert_eq!(r, Err(CardError::Malformed("answer too long")));
    }

    #[test]
    fn reads_files_in_chunks() {
        // 5 bytes with 2-byte chunks: 2 + 2 + 1.
        let mut ch = script(&[&[1, 2, 0x90, 0], &[3, 4, 0x90, 0], &[5, 0x62, 0x82]]);
        assert_eq!(read_current_file(&mut ch, 2, 100), Ok(vec![1, 2, 3, 4, 5]));
        assert_eq!(ch.sent[2], vec![0x00, 0xB0, 0x00, 0x04, 0x02]);
        // A multiple of the chunk ends on 6B00.
        let mut ch = script(&[&[1, 2, 0x90, 0], &[0x6B, 0x00]]);
        assert_eq!(read_current_file(&mut ch, 2, 100), Ok(vec![1, 2]));
        // Hostile: more than asked, endless file, error status.
        let mut ch = script(&[&[1, 2, 3, 0x90, 0]]);
        assert!(read_current_file(&mut ch, 2, 100).is_err());
        struct Full;
        impl CardChannel for Full {
            fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, CardError> {
                Ok(vec![0xAA, 0xAA, 0x90, 0x00])
            }
        }
        assert_eq!(
            read_current_file(&mut Full, 2, 100),
            Err(CardError::Malformed("file too large"))
        );
        let mut ch = script(&[&[0x69, 0x82]]);
        assert_eq!(
            read_current_file(&mut ch, 2, 100),
            Err(CardError::Status(0x6982))
        );
    }
}
