//! Simulated workstations: threads named `workstation-N`, each on its own connection to the
//! bench's schema, all connected before the clock starts; either each works through its part
//! of a plan, or they open folders in a loop while something else is measured.

use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chevet::domain::PatientId;
use chevet::store::testing::pg_store_in;
use chevet::store::{PgTarget, Store};

use crate::folder_open::open_folder;

/// Runs `work` on `plan.len()` workstations at once, each on its own connection to `record`
/// (all connected before the clock starts); their results and the wall time.
pub fn on_workstations<T: Sync, R: Send>(
    record: &PgTarget,
    schema: &str,
    plan: &[T],
    work: impl Fn(&mut Store, &T) -> R + Sync,
) -> (Vec<R>, Duration) {
    let barrier = Barrier::new(plan.len() + 1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .iter()
            .enumerate()
            .map(|(n, part)| {
                let (barrier, work) = (&barrier, &work);
                std::thread::Builder::new()
                    .name(format!("workstation-{n}"))
                    .spawn_scoped(scope, move || {
                        let mut store = pg_store_in(record, schema);
                        barrier.wait();
                        work(&mut store, part)
                    })
                    .expect("thread")
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        let results = handles
            .into_iter()
            .map(|h| h.join().expect("a workstation failed"))
            .collect();
        (results, start.elapsed())
    })
}

/// Runs `f` while `plan.len()` workstations open folders in a loop; `f`'s result and the
/// number of folders opened meanwhile.
pub fn under_load<R>(
    record: &PgTarget,
    schema: &str,
    plan: &[Vec<PatientId>],
    f: impl FnOnce() -> R,
) -> (R, usize) {
    let stop = AtomicBool::new(false);
    let opened = AtomicUsize::new(0);
    let barrier = Barrier::new(plan.len() + 1);
    std::thread::scope(|scope| {
        for (n, folders) in plan.iter().enumerate() {
            let (stop, opened, barrier) = (&stop, &opened, &barrier);
            std::thread::Builder::new()
                .name(format!("workstation-{n}"))
                .spawn_scoped(scope, move || {
                    let mut store = pg_store_in(record, schema);
                    barrier.wait();
                    for p in folders.iter().cycle() {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        open_folder(&mut store, *p);
                        opened.fetch_add(1, Ordering::Relaxed);
                    }
                })
                .expect("thread");
        }
        barrier.wait();
        std::thread::sleep(Duration::from_millis(500));
        let result = f();
        stop.store(true, Ordering::Relaxed);
        (result, opened.load(Ordering::Relaxed))
    })
}
