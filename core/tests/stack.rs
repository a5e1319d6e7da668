//! The peak stack of the update flow, caller buffers excluded (target:
//! 8 KiB in a release build).
//!
//! Method (no unsafe code, no stack painting): a child process — this test
//! binary again — spawns a thread with a 256 KiB stack, descends through a
//! small recursive frame until `ballast` bytes below the thread's first
//! frame are used, then runs one step of the flow. Too much ballast and the
//! step overflows the stack (the child dies of SIGSEGV/SIGABRT). A binary
//! search finds the most ballast each step survives; the step's peak stack
//! is the most ballast an empty step survives minus that, to within one
//! descent frame (printed). Every buffer the caller owns ([`FlowBuffers`]:
//! call buffers, digest session, wire and read buffers, head scratch) is on
//! the heap, allocated before the thread starts.
//!
//! Release and debug builds differ a lot (debug needs about 4× more); the
//! bound is asserted for release only:
//! `cargo test --release -p minted-connect-core --test stack -- --nocapture`.

#[path = "support/update_flow.rs"]
mod update_flow;

use std::hint::black_box;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use update_flow::{CHALLENGE_MD5, CHALLENGE_SHA256, FlowBuffers, PHP_200, VENDOR_200};

/// The variable that makes this binary a child: `STEP:BALLAST`.
const CHILD_ENV: &str = "MINTED_STACK_CHILD";

/// The child thread's stack: far more than any step needs.
const THREAD_STACK: usize = 256 * 1024;

/// The target of issue 8: 8 KiB for the whole update flow.
const TARGET_FLOW_STACK: usize = 8 * 1024;

/// The steps measured, in flow order; `empty` is the reference.
const STEPS: [&str; 9] = [
    "empty",
    "validate",
    "encode",
    "decode_vendor",
    "decode_php",
    "digest_md5",
    "digest_sha256",
    "update_flow",
    "refused_flow",
];

/// The stack consumed when the step started (set in the child thread).
static CONSUMED: AtomicUsize = AtomicUsize::new(0);

/// The address of a local of the caller's frame.
#[inline(always)]
fn stack_address() -> usize {
    let marker = 0u8;
    black_box(&marker) as *const u8 as usize
}

/// Recurses until `ballast` bytes below `top` are used, then runs `step`.
#[inline(never)]
fn descend(top: usize, ballast: usize, step: &mut dyn FnMut()) -> usize {
    let pad = black_box([0u8; 16]);
    let here = black_box(&pad) as *const [u8; 16] as usize;
    let used = top.saturating_sub(here);
    if used < ballast {
        let depth = descend(top, ballast, step);
        // Work after the call keeps it from becoming a loop.
        black_box(depth + usize::from(pad[0]))
    } else {
        CONSUMED.store(used, Ordering::SeqCst);
        step();
        black_box(0)
    }
}

/// The size of one `descend` frame.
fn frame_size() -> usize {
    #[inline(never)]
    fn probe(levels: usize, addresses: &mut Vec<usize>) {
        let pad = black_box([0u8; 16]);
        addresses.push(black_box(&pad) as *const [u8; 16] as usize);
        if levels > 0 {
            probe(levels - 1, addresses);
        }
        black_box(&pad);
    }
    let mut addresses = Vec::new();
    probe(4, &mut addresses);
    addresses.windows(2).map(|w| w[0] - w[1]).max().unwrap_or(0)
}

/// The reference step: one call, so that the bottom of [`run_step`]'s own
/// frame is touched as it is by every other step.
#[inline(never)]
fn nothing(buffers: &mut FlowBuffers) -> usize {
    black_box(buffers).wire.len()
}

fn run_step(step: &str, buffers: &mut FlowBuffers) {
    match step {
        "empty" => {
            // Not a tail call: the call must touch the bottom of this frame.
            black_box(nothing(buffers));
        }
        "validate" => update_flow::validate(buffers),
        "encode" => {
            black_box(update_flow::encode(buffers));
        }
        "decode_vendor" => {
            black_box(update_flow::decode(VENDOR_200, &mut buffers.customer));
        }
        "decode_php" => {
            black_box(update_flow::decode(PHP_200, &mut buffers.customer));
        }
        "digest_md5" => {
            black_box(update_flow::digest(buffers, CHALLENGE_MD5));
        }
        "digest_sha256" => {
            black_box(update_flow::digest(buffers, CHALLENGE_SHA256));
        }
        "update_flow" => {
            black_box(update_flow::update_flow(buffers));
        }
        "refused_flow" => {
            black_box(update_flow::refused_flow(buffers));
        }
        other => panic!("unknown step {other}"),
    }
}

/// The child's body: runs `STEP` under `BALLAST` bytes of descent in a
/// thread of [`THREAD_STACK`] bytes. Does nothing in a normal test run.
#[test]
fn stack_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (step, ballast) = spec.split_once(':').expect("STEP:BALLAST");
    let step = step.to_owned();
    let ballast: usize = ballast.parse().expect("a byte count");
    let mut buffers = FlowBuffers::boxed();
    // Steps that need a validated update get it outside the measurement.
    if step != "validate" && step != "empty" {
        update_flow::validate(&mut buffers);
        update_flow::encode(&mut buffers);
    }
    let handle = thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn(move || {
            let top = stack_address();
            let mut run = || run_step(&step, &mut buffers);
            descend(top, ballast, &mut run);
        })
        .expect("spawn");
    handle.join().expect("the step ran");
    println!(
        "STACK consumed={} frame={}",
        CONSUMED.load(Ordering::SeqCst),
        frame_size()
    );
}

/// Runs one child; the stack consumed before the step if it survived.
fn survives(step: &str, ballast: usize) -> Option<(usize, usize)> {
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "stack_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, format!("{step}:{ballast}"))
        .output()
        .expect("the child runs");
    if !output.status.success() {
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.split_once("STACK ").map(|(_, report)| report))
        .expect("the child reports");
    let mut fields = line
        .split(' ')
        .filter_map(|field| field.split_once('='))
        .map(|(_, value)| value.parse::<usize>().expect("a number"));
    Some((fields.next()?, fields.next()?))
}

/// The most stack consumed before `step` with which it still survives,
/// and the descent frame size.
fn most_ballast(step: &str) -> (usize, usize) {
    let (mut best, mut frame) = survives(step, 0).expect("every step survives without ballast");
    // Invariant: ballast `low` survives, `high` does not.
    let (mut low, mut high) = (0, THREAD_STACK);
    while high - low > 8 {
        let mid = low + (high - low) / 2;
        match survives(step, mid) {
            Some((consumed, f)) => {
                low = mid;
                best = best.max(consumed);
                frame = f;
            }
            None => high = mid,
        }
    }
    (best, frame)
}

#[test]
fn the_update_flow_fits_in_8_kib_of_stack() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let (reference, frame) = most_ballast("empty");
    println!("peak stack per step (caller buffers excluded), ± {frame} bytes:");
    let mut flow = 0;
    for step in &STEPS[1..] {
        let (consumed, _) = most_ballast(step);
        let peak = reference.saturating_sub(consumed);
        println!("  {step:<18} {peak:>6} bytes");
        if step.ends_with("_flow") {
            // The flow's peak: accepted or refused, whichever needs more.
            flow = flow.max(peak);
        }
    }
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let verdict = if flow + frame <= TARGET_FLOW_STACK {
        "met"
    } else {
        "MISSED"
    };
    println!("whole update flow ({profile}): {flow} bytes; target {TARGET_FLOW_STACK}: {verdict}");
    if !cfg!(debug_assertions) {
        assert!(
            flow + frame <= TARGET_FLOW_STACK,
            "the update flow needs {flow} (± {frame}) bytes of stack"
        );
    }
}
