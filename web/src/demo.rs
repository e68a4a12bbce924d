//! "Try a sample": the demo capture from `pcaplens_synth`, wrapped as a `File` so it goes
//! through exactly the same worker path as a file the user chose.

use js_sys::{Array, Uint8Array};
use web_sys::{File, FilePropertyBag};

/// The name the demo capture gets (shown in the page and in its report's `file_name`).
pub const DEMO_FILE_NAME: &str = "pcaplens-demo.pcap";

/// The demo capture as a `File`.
pub fn demo_file() -> Result<File, String> {
    file_from_bytes(&pcaplens_synth::demo::demo_capture(), DEMO_FILE_NAME)
}

/// Wraps bytes in a `File` (also used by the tests).
pub fn file_from_bytes(bytes: &[u8], name: &str) -> Result<File, String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = FilePropertyBag::new();
    options.set_type("application/vnd.tcpdump.pcap");
    File::new_with_u8_array_sequence_and_options(&parts, name, &options)
        .map_err(|e| format!("Could not create the sample file: {e:?}"))
}
