//! The benchmark as pictures: every case's LP P&L taken apart for Keel and for constant product
//! at Keel's mean fee, and Keel minus constant product path by path.

use super::stats::{mean, median};
use super::strategy::Strategy;
use super::sweep::CaseResult;
use super::tally::PathMetrics;
use crate::chart::register_font;
use crate::SimError;
use plotters::prelude::*;
use std::path::Path;

const KEEL: RGBColor = RGBColor(31, 119, 180);
const CP: RGBColor = RGBColor(214, 39, 40);

type Part = (&'static str, fn(&PathMetrics) -> f64);

/// The parts of an LP's P&L, signed as they add up.
const PARTS: [Part; 6] = [
    ("fees", |m| m.fees_bps),
    ("noise", |m| m.noise_impact_bps),
    ("-adverse", |m| -m.adverse_selection_bps),
    ("-rebal", |m| -m.rebalancing_bps),
    ("inventory", |m| m.inventory_bps),
    ("LP-HODL", |m| m.vs_hodl_value_bps),
];

fn err(e: impl std::fmt::Display) -> SimError {
    SimError::Chart(e.to_string())
}

/// The name of the category at a tick: categories sit at whole numbers.
fn label<S: AsRef<str>>(x: f64, names: &[S]) -> String {
    let i = x.round();
    if (x - i).abs() < 0.01 && i >= 0.0 {
        names
            .get(i as usize)
            .map_or(String::new(), |n| n.as_ref().to_string())
    } else {
        String::new()
    }
}

/// One panel per case: the mean of each part across paths for Keel (blue) and constant product
/// at Keel's mean fee (red), in bps of the starting value.
///
/// # Errors
/// No font, or the PNG cannot be written.
pub fn parts(path: &Path, results: &[CaseResult]) -> Result<(), SimError> {
    register_font()?;
    let cols = results.len().clamp(1, 4);
    let rows = results.len().div_ceil(cols).max(1);
    let size = (380 * cols as u32, 280 * rows as u32 + 50);
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let title = "LP P&L taken apart, mean bps of the starting value (blue: keel, red: cp at keel's mean fee)";
    let root = root.titled(title, ("sans-serif", 20)).map_err(err)?;
    for (case, area) in results.iter().zip(root.split_evenly((rows, cols)).iter()) {
        let values: Vec<(f64, f64)> = PARTS
            .iter()
            .map(|(_, f)| {
                (
                    mean(&case.values(Strategy::Keel, f)),
                    mean(&case.values(Strategy::CpEqualFee, f)),
                )
            })
            .collect();
        let finite = values
            .iter()
            .flat_map(|(a, b)| [*a, *b])
            .filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let pad = ((hi - lo) * 0.1).max(0.1);
        let mut chart = ChartBuilder::on(area)
            .caption(case.case.name(), ("sans-serif", 15))
            .margin(6)
            .x_label_area_size(22)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.5..PARTS.len() as f64 - 0.5, (lo - pad)..(hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(PARTS.len())
            .x_label_style(("sans-serif", 10))
            .x_label_formatter(&|x| label(*x, &PARTS.map(|(n, _)| n)))
            .draw()
            .map_err(err)?;
        for (i, (keel, cp)) in values.iter().enumerate() {
            let x = i as f64;
            for (offset, v, color) in [(-0.4, *keel, KEEL), (0.0, *cp, CP)] {
                if v.is_finite() {
                    chart
                        .draw_series([Rectangle::new(
                            [(x + offset, 0.0), (x + offset + 0.4, v)],
                            color.filled(),
                        )])
                        .map_err(err)?;
                }
            }
        }
    }
    root.present().map_err(err)
}

/// Keel minus constant product at Keel's mean fee, LP value vs HODL (bps), one dot per path and a
/// bar at each case's median.
///
/// # Errors
/// No font, or the PNG cannot be written.
pub fn paired(path: &Path, results: &[CaseResult]) -> Result<(), SimError> {
    register_font()?;
    let diffs: Vec<Vec<f64>> = results
        .iter()
        .map(|c| c.paired(Strategy::Keel, Strategy::CpEqualFee, |m| m.vs_hodl_bps))
        .collect();
    let all = diffs.iter().flatten().copied().filter(|v| v.is_finite());
    let (lo, hi) = all.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.08).max(1.0);
    let width = (170 * results.len() as u32).max(600);
    let root = BitMapBackend::new(path, (width, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Keel minus cp at keel's mean fee: LP value vs HODL, bps, per path (above 0: keel better)",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..results.len() as f64 - 0.5, (lo - pad)..(hi + pad))
        .map_err(err)?;
    let names: Vec<String> = results.iter().map(|c| c.case.name()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(results.len())
        .x_label_style(("sans-serif", 10))
        .x_label_formatter(&|x| label(*x, &names))
        .y_desc("bps")
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            [(-0.5, 0.0), (results.len() as f64 - 0.5, 0.0)],
            BLACK.mix(0.5),
        ))
        .map_err(err)?;
    for (i, d) in diffs.iter().enumerate() {
        let n = d.len().max(1) as f64;
        let x = |j: usize| i as f64 - 0.3 + 0.6 * j as f64 / n;
        chart
            .draw_series(
                d.iter()
                    .enumerate()
                    .map(|(j, v)| Circle::new((x(j), *v), 3, KEEL.mix(0.6).filled())),
            )
            .map_err(err)?;
        let m = median(d.clone());
        if m.is_finite() {
            chart
                .draw_series(LineSeries::new(
                    [(i as f64 - 0.35, m), (i as f64 + 0.35, m)],
                    CP.stroke_width(3),
                ))
                .map_err(err)?;
        }
    }
    root.present().map_err(err)
}
