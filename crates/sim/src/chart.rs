//! The simulation as a picture: prices, inventory against its band, and the fee, over blocks.

use crate::record::{Exposure, Row};
use crate::SimError;
use keel_core::fixed::signed_to_f64;
use plotters::coord::types::{RangedCoordf64, RangedCoordu64};
use plotters::prelude::*;
use std::path::Path;

/// Fonts tried, in order, for the charts's labels (plotters draws text with a font it is given).
const FONT_PATHS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

/// Gives plotters a font for labels, once per process: `$KEEL_CHART_FONT` or the first `DejaVu`
/// Sans found.
///
/// # Errors
/// No font found, or not a TrueType font.
pub fn register_font() -> Result<(), SimError> {
    use std::sync::OnceLock;
    /// Why registering failed, if it did.
    static FAILURE: OnceLock<Option<&'static str>> = OnceLock::new();
    let failure = FAILURE.get_or_init(|| {
        let Some(bytes) = std::env::var_os("KEEL_CHART_FONT")
            .map(std::path::PathBuf::from)
            .into_iter()
            .chain(FONT_PATHS.iter().map(std::path::PathBuf::from))
            .find_map(|p| std::fs::read(p).ok())
        else {
            return Some("no TrueType font found (install fonts-dejavu-core or set KEEL_CHART_FONT)");
        };
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            Box::leak(bytes.into_boxed_slice()),
        )
        .err()
        .map(|_| "the chart font is not a valid TrueType font")
    });
    match failure {
        Some(why) => Err(SimError::Chart((*why).into())),
        None => Ok(()),
    }
}

/// A price series: its name, colour, and value in a row.
type Series<T> = (&'static str, RGBColor, fn(&T) -> f64);

type Panel<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.05).max(hi.abs() * 1e-2).max(1e-9);
    (lo - pad, hi + pad)
}

fn err(e: impl std::fmt::Display) -> SimError {
    SimError::Chart(e.to_string())
}

type Axes<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordu64, RangedCoordf64>>;

/// One panel's axes over the run's blocks and `y`, with its mesh drawn.
fn axes<'a, 'b>(
    area: &'a Panel<'b>,
    caption: &str,
    blocks: (u64, u64),
    y: (f64, f64),
    x_desc: Option<&str>,
) -> Result<Axes<'a, 'b>, SimError> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 20))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(64)
        .build_cartesian_2d(blocks.0..blocks.1, y.0..y.1)
        .map_err(err)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE);
    if let Some(desc) = x_desc {
        mesh.x_desc(desc);
    }
    mesh.draw().map_err(err)?;
    Ok(chart)
}

/// The panel's legend, boxed on a pale background.
fn legend<'a, 'b: 'a>(chart: &mut Axes<'a, 'b>) -> Result<(), SimError> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

fn prices(area: &Panel, rows: &[Row], blocks: (u64, u64)) -> Result<(), SimError> {
    let y = range(rows.iter().flat_map(|r| [r.reference, r.pool_mid, r.venue_price]));
    let mut chart = axes(area, "Price (quote per base)", blocks, y, None)?;
    let series: [Series<Row>; 4] = [
        ("reference", BLACK, |r| r.reference),
        ("Keel's own reference", RGBColor(150, 150, 150), |r| {
            r.pool_reference
        }),
        ("Keel mid", BLUE, |r| r.pool_mid),
        ("venue", RGBColor(230, 120, 0), |r| r.venue_price),
    ];
    for (name, color, value) in series {
        chart
            .draw_series(LineSeries::new(rows.iter().map(|r| (r.block, value(r))), color))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
    }
    // Each new answer of the oracle: the reporters' median, the price the pool is anchored to.
    let purple = RGBColor(150, 0, 200);
    chart
        .draw_series(
            rows.windows(2)
                .filter(|w| w[1].oracle.to_bits() != w[0].oracle.to_bits())
                .map(|w| Circle::new((w[1].block, w[1].oracle), 1, purple.filled())),
        )
        .map_err(err)?
        .label("oracle readings (the reporters' median)")
        .legend(move |(x, y)| Circle::new((x + 8, y), 3, purple.filled()));
    legend(&mut chart)
}

fn inventory(area: &Panel, rows: &[Row], blocks: (u64, u64)) -> Result<(), SimError> {
    let trigger = rows.first().map_or(0.2, |r| r.trigger);
    let y = range(rows.iter().map(|r| r.q).chain([trigger, -trigger]));
    let caption = "Inventory q (band: trigger; dots: rebalances)";
    let mut chart = axes(area, caption, blocks, y, None)?;
    for level in [trigger, -trigger] {
        chart
            .draw_series(LineSeries::new(
                [(blocks.0, level), (blocks.1, level)],
                RED.mix(0.6),
            ))
            .map_err(err)?;
    }
    chart
        .draw_series(LineSeries::new(rows.iter().map(|r| (r.block, r.q)), BLUE))
        .map_err(err)?;
    chart
        .draw_series(
            rows.iter()
                .filter(|r| r.rebalanced)
                .map(|r| Circle::new((r.block, r.q), 4, RED.filled())),
        )
        .map_err(err)?;
    Ok(())
}

fn fee(area: &Panel, rows: &[Row], blocks: (u64, u64)) -> Result<(), SimError> {
    let (lo, hi) = range(rows.iter().map(|r| r.fee_bps));
    let mut chart = axes(area, "Fee (bps)", blocks, (lo.max(0.0), hi), None)?;
    chart
        .draw_series(LineSeries::new(
            rows.iter().map(|r| (r.block, r.fee_bps)),
            GREEN.mix(0.9),
        ))
        .map_err(err)?;
    Ok(())
}

/// Gamma: the base arbitrage moves on a 1% rise (below zero) and fall (above), Keel's next to a
/// constant-product pool's holding the same base at the same fee.
fn gamma(area: &Panel, rows: &[Row], blocks: (u64, u64)) -> Result<(), SimError> {
    let points: Vec<(u64, Exposure)> = rows
        .iter()
        .filter_map(|r| r.exposure.map(|e| (r.block, e)))
        .collect();
    let y = range(points.iter().flat_map(|(_, e)| {
        [
            signed_to_f64(e.keel.gamma_up),
            signed_to_f64(e.keel.gamma_down),
            e.cp_gamma_up,
            e.cp_gamma_down,
        ]
    }));
    let caption = "Gamma: base traded on a 1% rise (below 0) and fall (above 0), whole tokens";
    let mut chart = axes(area, caption, blocks, y, Some("block"))?;
    let cp = RGBColor(230, 120, 0);
    let series: [Series<Exposure>; 4] = [
        ("Keel, 1% rise", BLUE, |e| signed_to_f64(e.keel.gamma_up)),
        ("Keel, 1% fall", RGBColor(110, 160, 255), |e| {
            signed_to_f64(e.keel.gamma_down)
        }),
        ("constant product, same base and fee, rise", cp, |e| e.cp_gamma_up),
        (
            "constant product, same base and fee, fall",
            RGBColor(245, 190, 110),
            |e| e.cp_gamma_down,
        ),
    ];
    for (name, color, value) in series {
        chart
            .draw_series(LineSeries::new(points.iter().map(|(b, e)| (*b, value(e))), color))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
    }
    legend(&mut chart)
}

/// Draws the run to a PNG at `path`.
///
/// # Errors
/// No font, no rows, or the file cannot be written.
pub fn draw(path: &Path, rows: &[Row]) -> Result<(), SimError> {
    register_font()?;
    let (first, last) = match (rows.first(), rows.last()) {
        (Some(f), Some(l)) => (f.block, l.block.max(f.block.saturating_add(1))),
        _ => return Err(SimError::Chart("nothing to draw".into())),
    };
    let root = BitMapBackend::new(path, (1200, 1200)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let panels = root.split_evenly((4, 1));
    prices(&panels[0], rows, (first, last))?;
    inventory(&panels[1], rows, (first, last))?;
    fee(&panels[2], rows, (first, last))?;
    gamma(&panels[3], rows, (first, last))?;
    root.present().map_err(err)
}
