//! The compile-fail suite: each `fail/*.rs` must fail to compile with the message in
//! its `.stderr`; each `pass/*.rs` must compile.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
    t.pass("pass/*.rs");
}
