//! The statistics the report rests on: percentiles of a sample, and a seeded bootstrap interval
//! for the mean of paired per-path differences.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The median and the 10th and 90th percentiles of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub p10: f64,
    pub median: f64,
    pub p90: f64,
}

/// The `q` quantile of sorted `values`, interpolated between neighbours.
fn quantile(values: &[f64], q: f64) -> f64 {
    let pos = q * (values.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
}

impl Spread {
    /// `None` for an empty sample.
    pub fn of(mut values: Vec<f64>) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        Some(Spread {
            p10: quantile(&values, 0.1),
            median: quantile(&values, 0.5),
            p90: quantile(&values, 0.9),
        })
    }

    pub fn show(&self, decimals: usize) -> String {
        format!(
            "{:+.d$} [{:+.d$}, {:+.d$}]",
            self.median,
            self.p10,
            self.p90,
            d = decimals
        )
    }
}

/// The median of a sample; NaN when it is empty.
pub fn median(values: Vec<f64>) -> f64 {
    Spread::of(values).map_or(f64::NAN, |s| s.median)
}

/// The mean of a sample; NaN when it is empty.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// A mean with its 95% bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// Resamples drawn for an interval.
const RESAMPLES: usize = 4_000;

/// The mean of `values` and its 95% percentile-bootstrap interval, resampled with a fixed seed
/// so a report repeats exactly. `None` for an empty sample.
pub fn bootstrap_mean(values: &[f64]) -> Option<Interval> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(0xB007);
    let mut means: Vec<f64> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| values[rng.gen_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    Some(Interval {
        mean,
        low: quantile(&means, 0.025),
        high: quantile(&means, 0.975),
    })
}

#[cfg(test)]
// The values compared are exactly representable: equality is the claim.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    #[test]
    fn spread_interpolates_percentiles() {
        let s = Spread::of((0..=10).map(f64::from).collect()).expect("sample");
        assert_eq!((s.p10, s.median, s.p90), (1.0, 5.0, 9.0));
        let even = Spread::of(vec![4.0, 1.0, 3.0, 2.0]).expect("sample");
        assert_eq!(even.median, 2.5);
        assert_eq!(Spread::of(Vec::new()), None);
    }

    #[test]
    fn the_bootstrap_interval_holds_the_mean_and_narrows_with_more_paths() {
        let wide: Vec<f64> = (0..8).map(|i| f64::from(i % 4) - 1.0).collect();
        let narrow: Vec<f64> = (0..128).map(|i| f64::from(i % 4) - 1.0).collect();
        let (w, n) = (
            bootstrap_mean(&wide).expect("interval"),
            bootstrap_mean(&narrow).expect("interval"),
        );
        assert!((w.mean - 0.5).abs() < 1e-12 && (n.mean - 0.5).abs() < 1e-12);
        assert!(w.low < 0.5 && 0.5 < w.high);
        assert!(n.high - n.low < (w.high - w.low) / 2.0, "{w:?} {n:?}");
        assert_eq!(bootstrap_mean(&narrow), bootstrap_mean(&narrow), "seeded");
        assert_eq!(bootstrap_mean(&[]), None);
    }

    #[test]
    fn a_constant_sample_has_no_width() {
        let i = bootstrap_mean(&[2.0; 5]).expect("interval");
        assert_eq!((i.mean, i.low, i.high), (2.0, 2.0, 2.0));
    }
}
