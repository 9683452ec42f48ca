//! The benchmark as a picture: for each volatility (rows) and oracle lag (columns), the
//! distribution across seeds of one metric for every strategy, as box plots.

use super::strategy::ALL;
use super::sweep::CaseResult;
use super::tally::PathMetrics;
use crate::chart::register_font;
use crate::SimError;
use plotters::prelude::*;
use std::path::Path;

/// Short names for the x axis, in the order of [`ALL`].
const LABELS: [&str; 6] = ["keel", "no keeper", "no vol", "cp 30", "cp 5", "cp =fee"];

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(23, 190, 207),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
];

fn err(e: impl std::fmt::Display) -> SimError {
    SimError::Chart(e.to_string())
}

/// Draws `metric` of every case into a grid (volatility rows, lag columns) at `path`.
///
/// # Errors
/// No font, or the PNG cannot be written.
pub fn draw(
    path: &Path,
    results: &[CaseResult],
    title: &str,
    metric: fn(&PathMetrics) -> f64,
) -> Result<(), SimError> {
    register_font()?;
    let mut sigmas: Vec<f64> = results.iter().map(|c| c.case.sigma).collect();
    sigmas.dedup();
    let mut lags: Vec<u32> = results.iter().map(|c| c.case.oracle_lag).collect();
    lags.sort_unstable();
    lags.dedup();
    let (rows, cols) = (sigmas.len().max(1), lags.len().max(1));
    let size = (360 * cols as u32, 300 * rows as u32 + 50);
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let root = root.titled(title, ("sans-serif", 24)).map_err(err)?;
    let panels = root.split_evenly((rows, cols));
    for (case, area) in results.iter().zip(panels.iter()) {
        let samples: Vec<Vec<f32>> = ALL
            .iter()
            .map(|&s| case.values(s, metric).into_iter().map(|v| v as f32).collect())
            .collect();
        let (lo, hi) = samples
            .iter()
            .flatten()
            .fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let pad = ((hi - lo) * 0.08).max(0.01);
        let mut chart = ChartBuilder::on(area)
            .caption(case.case.name(), ("sans-serif", 16))
            .margin(6)
            .x_label_area_size(22)
            .y_label_area_size(48)
            .build_cartesian_2d(LABELS[..].into_segmented(), (lo - pad)..(hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_label_style(("sans-serif", 11))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(l) | SegmentValue::Exact(l) => (**l).to_string(),
                SegmentValue::Last => String::new(),
            })
            .draw()
            .map_err(err)?;
        let zero = [
            (SegmentValue::Exact(&LABELS[0]), 0.0f32),
            (SegmentValue::Last, 0.0),
        ];
        if lo < 0.0 && hi > 0.0 {
            chart
                .draw_series(LineSeries::new(zero, BLACK.mix(0.4)))
                .map_err(err)?;
        }
        for ((label, sample), color) in LABELS.iter().zip(&samples).zip(COLORS) {
            if sample.is_empty() {
                continue;
            }
            let quartiles = Quartiles::new(sample);
            chart
                .draw_series([Boxplot::new_vertical(SegmentValue::CenterOf(label), &quartiles)
                    .width(18)
                    .style(color.stroke_width(2))])
                .map_err(err)?;
        }
    }
    root.present().map_err(err)
}
