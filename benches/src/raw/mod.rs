//! The raw drivers, called directly: the baselines quarry is measured against. All of
//! this benchmark's unsafe code is here.
#![allow(unsafe_code)] // FFI

pub mod pg;
pub mod sqlite;
