//! A wait a person can see: a spinner on stderr once a request (or a pause between tries) has
//! taken longer than [`AFTER`], on a terminal only. A quick answer draws nothing, and a pipe
//! or a log never gets the spinner's redraws.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a wait stays silent.
pub const AFTER: Duration = Duration::from_secs(2);

/// Where a spinner draws; tests draw into memory.
pub type Target = Box<dyn FnOnce() -> indicatif::ProgressDrawTarget + Send>;

/// A spinner that shows itself after a while and goes when dropped.
pub struct Waiting {
    bar: indicatif::ProgressBar,
    done: Arc<AtomicBool>,
    shower: Option<std::thread::JoinHandle<()>>,
}

impl Waiting {
    /// Shows `message` with a spinner on `target` if the wait outlasts `after`.
    pub fn start(target: Target, after: Duration, message: String) -> Waiting {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(message);
        let done = Arc::new(AtomicBool::new(false));
        let (shown, finished) = (bar.clone(), done.clone());
        let shower = std::thread::spawn(move || {
            std::thread::park_timeout(after);
            // A spurious wake-up only shows the spinner early; the flag says whether to.
            if !finished.load(Ordering::SeqCst) {
                shown.set_draw_target(target());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Waiting {
            bar,
            done,
            shower: Some(shower),
        }
    }

    /// No spinner at all (not a terminal, or `-v` traces the wait already).
    pub fn none() -> Waiting {
        Waiting {
            bar: indicatif::ProgressBar::hidden(),
            done: Arc::new(AtomicBool::new(true)),
            shower: None,
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(shower) = self.shower.take() {
            shower.thread().unpark();
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Debug, Default, Clone)]
    struct Screen(Arc<Mutex<String>>);

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn on(screen: &Screen) -> Target {
        let screen = screen.clone();
        Box::new(move || indicatif::ProgressDrawTarget::term_like(Box::new(screen)))
    }

    #[test]
    fn a_short_wait_draws_nothing_and_a_long_one_a_spinner() {
        let quiet = Screen::default();
        drop(Waiting::start(
            on(&quiet),
            Duration::from_millis(300),
            "waiting for a.example".into(),
        ));
        assert_eq!(*quiet.0.lock().unwrap(), "");

        let long = Screen::default();
        let waiting = Waiting::start(
            on(&long),
            Duration::from_millis(20),
            "waiting for b.example".into(),
        );
        std::thread::sleep(Duration::from_millis(400));
        drop(waiting);
        assert!(
            long.0.lock().unwrap().contains("waiting for b.example"),
            "{:?}",
            long.0
        );
    }
}
