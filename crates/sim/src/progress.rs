//! Progress bars for long runs (hidden when asked to be quiet).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `len` steps drawn with `template`, or a hidden one.
pub fn bar(len: u64, template: &str, visible: bool) -> ProgressBar {
    let bar = if visible {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    restyle(&bar, template);
    bar
}

/// Draws `bar` with `template` from now on; a template indicatif refuses keeps the default look.
pub fn restyle(bar: &ProgressBar, template: &str) {
    bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
}
