#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| gongkai_fuzz::periods_calendar(bytes));
