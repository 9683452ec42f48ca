//! Property tests of the curve's swaps and closed forms.
//!
//! States are realistic: reserves 1e6..1e27 units, oracle 0.001..1000 quote per base, `k`
//! 0.01..0.9, fee 0..1% (a quarter of the cases at exactly zero, where rounding has no fee to hide
//! behind). Unbalanced states come from a balanced pool and one or two random swaps, a third of
//! them priced at an oracle up to 10% away from the one the property then uses, so the curve has
//! been re-anchored under the pool as a moving oracle would.
//!
//! Every property runs `KEEL_PROPTEST_CASES` accepted cases (10,000 by default); cases where the
//! curve refuses a trade the property needs (a limit, dust, an empty side) are discarded and
//! replaced, not counted.
//!
//! The last section replays, as plain tests, the minimal cases these properties found.

mod model;

use keel_curve::math::{Rounding, U256};
use keel_curve::pmm::{integrate, premium, solve_target, solve_trade, Direction, Ratio};
use keel_curve::{
    swap_exact_in, swap_exact_out, Asset, CurveError, CurveParams, Market, PoolState, Regime, Trade,
    MAX_RESERVE, ONE,
};
use model::FloatMarket;
use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use std::cell::OnceCell;

/// Discards the case: the curve refused a trade the property needs.
macro_rules! reject {
    () => {
        return Err(TestCaseError::reject(
            "the curve refused a trade the property needs",
        ))
    };
}

fn config() -> ProptestConfig {
    let cases = std::env::var("KEEL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    ProptestConfig {
        cases,
        max_global_rejects: cases,
        // ChaCha, proptest's default generator, costs a fifth of the run time in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

/// Limits wide enough that they only bind on trades that move the price by half.
fn params() -> CurveParams {
    CurveParams {
        max_skew: ONE / 2,
        q_max: ONE,
        ..CurveParams::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators and helpers
// ---------------------------------------------------------------------------------------------

/// Log-uniform in `lo..=hi`.
fn log_f64(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo.log10()..=hi.log10()).prop_map(|e| 10f64.powf(e))
}

fn log_u128(lo: f64, hi: f64) -> impl Strategy<Value = u128> {
    log_f64(lo, hi).prop_map(|x| x as u128)
}

fn asset() -> impl Strategy<Value = Asset> {
    prop_oneof![Just(Asset::Base), Just(Asset::Quote)]
}

fn market() -> impl Strategy<Value = Market> {
    let fee = prop_oneof![1 => Just(0), 3 => 0..=ONE / 100];
    (log_u128(1e15, 1e21), ONE / 100..=ONE / 100 * 90, fee).prop_map(|(price, k, fee)| Market {
        price,
        k,
        fee,
    })
}

#[derive(Clone, Debug)]
struct Scenario {
    state: PoolState,
    market: Market,
    /// `state` equilibrated for `market` (short target rounded down), computed on first use.
    eq: OnceCell<PoolState>,
}

impl Scenario {
    fn new(state: PoolState, market: Market) -> Scenario {
        Scenario {
            state,
            market,
            eq: OnceCell::new(),
        }
    }

    fn float(&self) -> FloatMarket {
        FloatMarket::from_fixed(&self.market)
    }

    fn equilibrated(&self) -> PoolState {
        *self.eq.get_or_init(|| {
            self.state
                .equilibrate(self.market.price, self.market.k, Rounding::Down)
                .unwrap()
        })
    }

    /// The token the equilibrated pool is short of, if any.
    fn short(&self) -> Option<Asset> {
        self.equilibrated().regime.short()
    }

    /// Value of the equilibrated targets at the oracle: the LPs' claim.
    fn target_value(&self) -> u128 {
        self.equilibrated().target_value(self.market.price).unwrap()
    }

    /// The amount of `x` worth `fraction` of the other side's reserve at the oracle (at least 1).
    fn amount_in(&self, x: Asset, fraction: f64) -> u128 {
        let other = self.state.reserve(x.other()) as f64;
        to_amount(fraction * other / self.float().price_of(x))
    }

    /// `fraction` of the reserve of `y` (at least 1).
    fn amount_out(&self, y: Asset, fraction: f64) -> u128 {
        to_amount(fraction * self.state.reserve(y) as f64)
    }

    fn exact_in(&self, x: Asset, amount: u128) -> Result<Trade, CurveError> {
        swap_exact_in(&self.state, &self.market, &params(), x, amount)
    }

    fn exact_out(&self, x: Asset, amount: u128) -> Result<Trade, CurveError> {
        swap_exact_out(&self.state, &self.market, &params(), x, amount)
    }

    fn after(&self, trade: &Trade) -> Scenario {
        Scenario::new(trade.after, self.market)
    }
}

fn to_amount(x: f64) -> u128 {
    (x as u128).clamp(1, MAX_RESERVE)
}

/// A balanced pool of `base` and a quote reserve worth `ratio` times it, after `moves`: each sells
/// one token for a `fraction` of the other side's reserve (halved until the curve accepts it, or
/// skipped) at an oracle `drift` times the market's.
fn build(market: Market, base: f64, ratio: f64, moves: &[(Asset, f64)], drift: f64) -> Scenario {
    let price = market.price as f64 / ONE as f64;
    let quote = (base * price * ratio).clamp(1e6, 1e27);
    let setup = Market {
        price: (market.price as f64 * drift) as u128,
        ..market
    };
    let mut scenario = Scenario::new(PoolState::balanced(base as u128, quote as u128), setup);
    for &(x, fraction) in moves {
        let mut fraction = fraction;
        for _ in 0..8 {
            if let Ok(trade) = scenario.exact_in(x, scenario.amount_in(x, fraction)) {
                scenario = scenario.after(&trade);
                break;
            }
            fraction /= 2.0;
        }
    }
    Scenario::new(scenario.state, market)
}

fn drift() -> impl Strategy<Value = f64> {
    prop_oneof![2 => Just(1.0), 1 => log_f64(1.0 / 1.1, 1.1)]
}

fn moves() -> impl Strategy<Value = Vec<(Asset, f64)>> {
    prop::collection::vec((asset(), log_f64(1e-6, 1.0)), 1..=2)
}

/// A pool moved by one or two swaps, or (one case in five) still balanced.
fn scenario() -> impl Strategy<Value = Scenario> {
    let moves = prop_oneof![1 => Just(Vec::new()), 4 => moves()];
    (market(), log_f64(1e6, 1e27), log_f64(1e-3, 1e3), moves, drift())
        .prop_map(|(market, base, ratio, moves, drift)| build(market, base, ratio, &moves, drift))
}

/// A pool moved by one or two swaps (balanced only if the curve refused them all).
fn scenario_moved() -> impl Strategy<Value = Scenario> {
    (market(), log_f64(1e6, 1e27), log_f64(1e-3, 1e3), moves(), drift())
        .prop_map(|(market, base, ratio, moves, drift)| build(market, base, ratio, &moves, drift))
}

/// A pool made long `long` (short the other token) by a material sale of `long`.
fn scenario_long(long: Asset) -> impl Strategy<Value = Scenario> {
    (
        market(),
        log_f64(1e6, 1e27),
        log_f64(1e-3, 1e3),
        log_f64(1e-3, 1.0),
        drift(),
    )
        .prop_map(move |(market, base, ratio, fraction, drift)| {
            build(market, base, ratio, &[(long, fraction)], drift)
        })
}

/// A trade size as a fraction of the output side's reserve.
fn fraction() -> impl Strategy<Value = f64> {
    log_f64(1e-9, 0.5)
}

/// Exact value of reserves `(base, quote)` at the oracle, in quote units times 1e18.
fn exact_value(base: u128, quote: u128, price: u128) -> U256 {
    U256::from(base) * U256::from(price) + U256::from(quote) * U256::from(ONE)
}

fn reserves_value(state: &PoolState, price: u128) -> U256 {
    exact_value(state.base_reserve, state.quote_reserve, price)
}

/// `|got - want| <= rel * want + units`.
fn close(got: u128, want: f64, rel: f64, units: f64) -> bool {
    (got as f64 - want).abs() <= rel * want + units
}

// ---------------------------------------------------------------------------------------------
// 1. Monotonicity
// ---------------------------------------------------------------------------------------------

/// How much larger the second trade is: a few units, or a fraction of the first.
#[derive(Clone, Copy, Debug)]
enum Step {
    Units(u128),
    Fraction(f64),
}

impl Step {
    fn apply(self, a: u128) -> u128 {
        match self {
            Step::Units(u) => a + u,
            Step::Fraction(f) => a + ((a as f64 * f) as u128).max(1),
        }
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u128..=1000).prop_map(Step::Units),
        log_f64(1e-9, 1.0).prop_map(Step::Fraction)
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn exact_in_output_never_falls_as_the_input_grows(
        s in scenario(), x in asset(), f in fraction(), step in step(),
    ) {
        let a = s.amount_in(x, f);
        let b = step.apply(a);
        let (Ok(ta), Ok(tb)) = (s.exact_in(x, a), s.exact_in(x, b)) else { reject!() };
        prop_assert!(ta.amount_out <= tb.amount_out, "out({a}) = {} > out({b}) = {}", ta.amount_out, tb.amount_out);
    }

    #[test]
    fn exact_out_input_never_falls_as_the_output_grows(
        s in scenario(), x in asset(), f in fraction(), step in step(),
    ) {
        let a = s.amount_out(x.other(), f);
        let b = step.apply(a);
        let (Ok(ta), Ok(tb)) = (s.exact_out(x, a), s.exact_out(x, b)) else { reject!() };
        prop_assert!(ta.amount_in <= tb.amount_in, "in({a}) = {} > in({b}) = {}", ta.amount_in, tb.amount_in);
    }

    /// Sales of the short token whose net input lands a few units either side of the distance
    /// to target: the switch from the refill leg to the crossing keeps the output monotone.
    #[test]
    fn exact_in_output_never_falls_across_the_target(s in scenario_moved(), from in 0u128..8) {
        let Some(x) = s.short() else { reject!() };
        let eq = s.equilibrated();
        let room = eq.target(x) - eq.reserve(x);
        let gross = (room as f64 / (1.0 - s.float().fee)) as u128;
        let a = (gross + from).saturating_sub(4).max(1);
        let (Ok(ta), Ok(tb)) = (s.exact_in(x, a), s.exact_in(x, a + 1)) else { reject!() };
        prop_assert!(ta.amount_out <= tb.amount_out, "out({a}) = {} > out({}) = {}", ta.amount_out, a + 1, tb.amount_out);
    }

    /// Purchases of the long token a few units either side of its excess over target: the switch
    /// from the refill leg to the crossing keeps the input monotone.
    #[test]
    fn exact_out_input_never_falls_across_the_target(s in scenario_moved(), from in 0u128..8) {
        let Some(x) = s.short() else { reject!() };
        let eq = s.equilibrated();
        let y = x.other();
        let excess = eq.reserve(y) - eq.target(y);
        let a = (excess + from).saturating_sub(4).max(1);
        let (Ok(ta), Ok(tb)) = (s.exact_out(x, a), s.exact_out(x, a + 1)) else { reject!() };
        prop_assert!(ta.amount_in <= tb.amount_in, "in({a}) = {} > in({}) = {}", ta.amount_in, a + 1, tb.amount_in);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Round trips
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Sell `a` of one token for `o` of the other (exact-in), then on the resulting pool:
    /// selling the `o` back returns at most `a`, and buying exactly `a` back costs at least `o`.
    #[test]
    fn no_round_trip_after_an_exact_in_sale_profits(s in scenario(), x in asset(), f in fraction()) {
        let a = s.amount_in(x, f);
        let Ok(first) = s.exact_in(x, a) else { reject!() };
        let o = first.amount_out;
        let next = s.after(&first);
        let (Ok(sell_back), Ok(buy_back)) = (next.exact_in(x.other(), o), next.exact_out(x.other(), a))
        else {
            reject!()
        };
        prop_assert!(sell_back.amount_out <= a, "sold {a} for {o}, sold that back for {}", sell_back.amount_out);
        prop_assert!(buy_back.amount_in >= o, "sold {a} for {o}, bought {a} back for {}", buy_back.amount_in);
    }

    /// Buy exactly `o` of one token for `c` of the other (exact-out), then on the resulting
    /// pool: selling the `o` back returns at most `c`, and buying exactly `c` back costs at
    /// least `o`.
    #[test]
    fn no_round_trip_after_an_exact_out_purchase_profits(s in scenario(), x in asset(), f in fraction()) {
        let o = s.amount_out(x.other(), f);
        let Ok(first) = s.exact_out(x, o) else { reject!() };
        let c = first.amount_in;
        let next = s.after(&first);
        let (Ok(sell_back), Ok(buy_back)) = (next.exact_in(x.other(), o), next.exact_out(x.other(), c))
        else {
            reject!()
        };
        prop_assert!(sell_back.amount_out <= c, "bought {o} for {c}, sold it back for {}", sell_back.amount_out);
        prop_assert!(buy_back.amount_in >= o, "bought {o} for {c}, bought {c} back for {}", buy_back.amount_in);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Pool value
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// The LPs' claim in a PMM is its target inventory: valued at the oracle, the equilibrated
    /// targets never fall through a swap, whichever way and however far it goes.
    ///
    /// The reserves' mark-to-oracle value is *not* monotone: a trade that restores inventory buys
    /// the short token back at the premium the pool charged when it ran short, so the reserves
    /// can lose oracle value while the targets (what the curve returns to) do not. The next
    /// property covers the reserves for trades entirely away from target.
    #[test]
    fn equilibrated_target_value_never_falls_through_a_swap(
        s in scenario(), x in asset(), f in fraction(), exact_out in any::<bool>(),
    ) {
        let trade = if exact_out {
            s.exact_out(x, s.amount_out(x.other(), f))
        } else {
            s.exact_in(x, s.amount_in(x, f))
        };
        let Ok(trade) = trade else { reject!() };
        let (before, after) = (s.target_value(), s.after(&trade).target_value());
        prop_assert!(after >= before, "target value {before} -> {after} ({trade:?})");
    }

    /// A trade entirely away from target (its input token is not short before it, so the whole
    /// trade drains the other side at or above the oracle price) never lowers the reserves'
    /// value at the oracle. A trade that *crosses* the target also ends with its input token
    /// long, but its refill leg buys the short token back at a premium and can lower it.
    #[test]
    fn reserve_value_never_falls_on_a_trade_away_from_target(
        s in scenario(), pick in asset(), f in fraction(), exact_out in any::<bool>(),
    ) {
        // Sell the long token, or either one into a balanced pool.
        let x = s.short().map_or(pick, Asset::other);
        let trade = if exact_out {
            s.exact_out(x, s.amount_out(x.other(), f))
        } else {
            s.exact_in(x, s.amount_in(x, f))
        };
        let Ok(trade) = trade else { reject!() };
        let before = reserves_value(&s.state, s.market.price);
        let after = reserves_value(&trade.after, s.market.price);
        prop_assert!(after >= before, "reserve value {before} -> {after} ({trade:?})");
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Skew sign
// ---------------------------------------------------------------------------------------------

/// On a pool long `long`, a trade of 0.01% of its `long` reserve:
/// - selling `long` to it pays less per unit than the oracle price;
/// - buying `long` from it costs less than from a balanced pool with the same reserves, which
///   costs no more than from a pool short of `long`.
///
/// Comparisons are strict when the skew is worth at least 4 units of the other token on the part
/// of the trade it applies to; below that, rounding (always toward the pool) may absorb it. A
/// purchase larger than the pool's surplus crosses the target and is priced as two legs, each
/// rounded up, so when the skew is worth less than a unit it may cost one unit more than the
/// balanced pool's single leg.
fn check_skew(s: &Scenario, long: Asset) -> Result<(), TestCaseError> {
    let other = long.other();
    let eq = s.equilibrated();
    if eq.regime.short() != Some(other) {
        reject!()
    }
    let m = s.float();
    let amount = (s.state.reserve(long) / 10_000).max(1);
    let surplus = eq.reserve(long) - eq.target(long);

    // How far below the oracle the pool's marginal price of `long` sits (in `other` per `long`).
    let marginal_base = eq.marginal_price(s.market.price, s.market.k).unwrap() as f64 / ONE as f64;
    let marginal = match long {
        Asset::Base => marginal_base,
        Asset::Quote => 1.0 / marginal_base,
    };
    let discount = m.price_of(long) - marginal;
    prop_assert!(
        discount >= 0.0,
        "marginal {marginal} above oracle {}",
        m.price_of(long)
    );

    // Selling `long`: the payout, valued at the oracle, is below what was sold. The whole sale
    // is priced at or below the marginal price.
    if let Ok(sell) = s.exact_in(long, amount) {
        let price = s.market.price;
        let (paid, received) = match long {
            Asset::Base => (
                exact_value(amount, 0, price),
                exact_value(0, sell.amount_out, price),
            ),
            Asset::Quote => (
                exact_value(0, amount, price),
                exact_value(sell.amount_out, 0, price),
            ),
        };
        let strict = amount as f64 * discount >= 4.0;
        prop_assert!(
            received < paid || (!strict && received == paid),
            "sold {amount} worth {paid}, received {} worth {received}",
            sell.amount_out,
        );
    }

    // Buying `long`: only the part up to the surplus is discounted, on average by at least half
    // the marginal discount (the price rises to the oracle's at target).
    let balanced = Scenario::new(
        PoolState::balanced(s.state.base_reserve, s.state.quote_reserve),
        s.market,
    );
    let (Ok(cost_long), Ok(cost_balanced)) = (s.exact_out(other, amount), balanced.exact_out(other, amount))
    else {
        reject!()
    };
    let (long_in, balanced_in) = (cost_long.amount_in, cost_balanced.amount_in);
    let strict = amount.min(surplus) as f64 * discount / 2.0 >= 4.0;
    let crossing_unit = u128::from(amount >= surplus);
    if strict {
        prop_assert!(long_in < balanced_in, "long {long_in} >= balanced {balanced_in}");
    } else {
        prop_assert!(
            long_in <= balanced_in + crossing_unit,
            "long {long_in} > balanced {balanced_in}"
        );
    }
    // The mirror pool: as far short of `long` as `s` is long of it, by value.
    let mirror_in = to_amount(surplus as f64 * m.price_of(long));
    if let Ok(short) = balanced.exact_in(other, mirror_in) {
        if let Ok(cost_short) = balanced.after(&short).exact_out(other, amount) {
            let short_in = cost_short.amount_in;
            prop_assert!(
                balanced_in <= short_in,
                "balanced {balanced_in} > short {short_in}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn pool_long_base_buys_base_below_oracle_and_sells_it_cheaper_than_a_balanced_pool(
        s in scenario_long(Asset::Base),
    ) {
        check_skew(&s, Asset::Base)?;
    }

    #[test]
    fn pool_long_quote_buys_quote_below_oracle_and_sells_it_cheaper_than_a_balanced_pool(
        s in scenario_long(Asset::Quote),
    ) {
        check_skew(&s, Asset::Quote)?;
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Exact-in and exact-out agree
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// If `a` buys `o`, the exact-out quote for `o` asks at most `a`. The one exception is a sale
    /// whose refill leg lands exactly on the target (its payout is then the whole excess, which
    /// exact-out prices as a crossing: the distance to target plus one unit), where it asks
    /// `a + 1`.
    #[test]
    fn exact_out_quote_for_an_exact_in_output_never_asks_more_than_its_input(
        s in scenario(), x in asset(), f in fraction(),
    ) {
        let a = s.amount_in(x, f);
        let Ok(sell) = s.exact_in(x, a) else { reject!() };
        let o = sell.amount_out;
        let buy = s.exact_out(x, o);
        prop_assert!(buy.is_ok(), "exact-in {a} -> {o} accepted, exact-out refused: {buy:?}");
        let asked = buy.unwrap().amount_in;
        let y = x.other();
        let landed_on_target = s.short() == Some(x) && sell.after.reserve(y) == sell.after.target(y);
        prop_assert!(
            asked <= a || (landed_on_target && asked == a + 1),
            "{a} buys {o}, whose exact-out quote is {asked}",
        );
    }

    /// Paying the exact-out quote for `o` as an exact-in trade delivers at least `o`.
    #[test]
    fn exact_in_of_an_exact_out_quote_delivers_at_least_its_output(
        s in scenario(), x in asset(), f in fraction(),
    ) {
        let o = s.amount_out(x.other(), f);
        let Ok(buy) = s.exact_out(x, o) else { reject!() };
        let sell = s.exact_in(x, buy.amount_in);
        prop_assert!(sell.is_ok(), "exact-out {o} for {} accepted, exact-in refused: {sell:?}", buy.amount_in);
        let sell = sell.unwrap();
        prop_assert!(sell.amount_out >= o, "{} quoted for {o} but buys {}", buy.amount_in, sell.amount_out);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Agreement with the f64 model
// ---------------------------------------------------------------------------------------------

/// Relative tolerance between the integer curve and the model, for amounts of 1e12 units and up
/// (where each unit of integer rounding is 1e-12). Below that, each result is also checked to
/// within the units its roundings can cost; the model itself is good to ~1e-14 relative, hence
/// the 1e-12 relative slack in those checks.
const REL: f64 = 1e-9;
const BIG: u128 = 1_000_000_000_000;

/// A price as the integer curve takes it (either token's, from an oracle reading) and as a float.
fn ratio() -> impl Strategy<Value = (Ratio, f64)> {
    (log_u128(1e15, 1e21), asset()).prop_map(|(price, a)| {
        let r = a.price_in_other(price);
        (r, r.num as f64 / r.den as f64)
    })
}

fn k() -> impl Strategy<Value = (u128, f64)> {
    (ONE / 100..=ONE / 100 * 90).prop_map(|k| (k, k as f64 / ONE as f64))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn integrate_matches_the_model(
        s0 in log_f64(1e6, 1e27), lo in 0.05f64..=1.0, span in log_f64(1e-12, 1.0),
        (price, p) in ratio(), (k, kf) in k(),
    ) {
        let s0 = s0 as u128;
        let lo = ((s0 as f64 * lo) as u128).clamp(1, s0);
        let hi = lo + ((s0 - lo) as f64 * span) as u128;
        let want = model::value_of_move(s0 as f64, lo as f64, (hi - lo) as f64, p, kf);
        let (Ok(down), Ok(up)) =
            (integrate(s0, hi, lo, price, k, Rounding::Down), integrate(s0, hi, lo, price, k, Rounding::Up))
        else {
            // Only a value past u128 may be refused.
            prop_assert!(want > 1e38, "refused a value of {want}");
            return Ok(());
        };
        // One rounding of the exact value, each way.
        prop_assert!(down <= up && up - down <= 1, "{down} {up}");
        prop_assert!(close(down, want, 1e-12, 1.0) && close(up, want, 1e-12, 1.0), "{down} {up} vs model {want}");
        if want >= BIG as f64 {
            prop_assert!(close(down, want, REL, 0.0) && close(up, want, REL, 0.0), "{down} {up} vs model {want}");
        }
    }

    #[test]
    fn solve_trade_matches_the_model(
        s0 in log_f64(1e6, 1e27), s1 in 0.1f64..=1.0, size in log_f64(1e-9, 10.0),
        (price, p) in ratio(), (k, kf) in k(), drain in any::<bool>(),
    ) {
        let s0 = s0 as u128;
        let s1 = ((s0 as f64 * s1) as u128).max(1);
        // A long amount worth `size` of the short reserve at the oracle.
        let long = to_amount(size * s1 as f64 * p);
        let direction = if drain { Direction::Drain } else { Direction::Refill };
        let Ok(x) = solve_trade(s0, s1, long, price, k, direction) else { reject!() };
        let (moved, want) = if drain {
            (s1 - x, model::drain_out(s0 as f64, s1 as f64, long as f64, p, kf))
        } else {
            (x - s1, model::refill_in(s0 as f64, s1 as f64, long as f64, p, kf))
        };
        // The level is the exact one rounded up: a drain pays out the exact amount rounded down,
        // a refill asks for it rounded up.
        let (moved_f, slack) = (moved as f64, want * 1e-12 + 1e-6);
        if drain {
            prop_assert!(moved_f <= want + slack && moved_f > want - 1.0 - slack, "drain pays {moved}, model {want}");
        } else {
            prop_assert!(moved_f >= want - slack && moved_f < want + 1.0 + slack, "refill asks {moved}, model {want}");
        }
        if want >= BIG as f64 {
            prop_assert!(close(moved, want, REL, 0.0), "moved {moved} vs model {want}");
        }
    }

    #[test]
    fn solve_target_matches_the_model(
        s1 in log_f64(1e6, 1e27), size in log_f64(1e-9, 10.0), (price, p) in ratio(), (k, kf) in k(),
    ) {
        let s1 = s1 as u128;
        let excess = to_amount(size * s1 as f64 * p);
        let want = model::target_gap(s1 as f64, excess as f64, p, kf);
        let down = solve_target(s1, excess, price, k, Rounding::Down).unwrap() - s1;
        let up = solve_target(s1, excess, price, k, Rounding::Up).unwrap() - s1;
        // The exact gap rounded each way.
        let slack = want * 1e-12 + 1e-6;
        prop_assert!(down as f64 <= want + slack && down as f64 > want - 1.0 - slack, "down {down}, model {want}");
        prop_assert!(up as f64 >= want - slack && (up as f64) < want + 1.0 + slack, "up {up}, model {want}");
        prop_assert!(up - down <= 1, "{down} {up}");
        if want >= BIG as f64 {
            prop_assert!(close(down, want, REL, 0.0) && close(up, want, REL, 0.0), "{down} {up} vs model {want}");
        }
    }

    /// Full exact-in swaps, crossings included (about one case in ten). Below the REL regime
    /// the output may differ by the units the integer code rounds: the fee and the crossing's
    /// extra unit of input (each worth up to about `2 p_x` of output), and the payout.
    #[test]
    fn swap_exact_in_matches_the_model(s in scenario(), x in asset(), f in fraction()) {
        let a = s.amount_in(x, f);
        let Ok(trade) = s.exact_in(x, a) else { reject!() };
        let m = s.float();
        let want = model::exact_in(&s.state, &m, x, a as f64);
        let out = trade.amount_out;
        prop_assert!(close(out, want, 1e-12, 2.0 + 4.0 * m.price_of(x)), "out {out} vs model {want}");
        if a >= BIG && out >= BIG {
            prop_assert!(close(out, want, REL, 0.0), "out {out} vs model {want}");
        }
    }

    /// Full exact-out swaps, crossings included. Below the REL regime the input may differ by
    /// the curve input's, the fee's and the crossing's unit each, and a unit of the output.
    #[test]
    fn swap_exact_out_matches_the_model(s in scenario(), x in asset(), f in fraction()) {
        let o = s.amount_out(x.other(), f);
        let Ok(trade) = s.exact_out(x, o) else { reject!() };
        let m = s.float();
        let want = model::exact_out(&s.state, &m, x, o as f64);
        let paid = trade.amount_in;
        prop_assert!(close(paid, want, 1e-12, 4.0 + 2.0 * m.price_of(x.other())), "in {paid} vs model {want}");
        if o >= BIG && paid >= BIG {
            prop_assert!(close(paid, want, REL, 0.0), "in {paid} vs model {want}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Limits: the price band and the inventory cap
// ---------------------------------------------------------------------------------------------

fn tight_params() -> impl Strategy<Value = CurveParams> {
    (ONE / 100..=ONE / 2, ONE / 100..=ONE).prop_map(|(max_skew, q_max)| CurveParams {
        max_skew,
        q_max,
        ..CurveParams::default()
    })
}

proptest! {
    #![proptest_config(config())]

    /// Selling the short token without crossing its target is never refused by a limit, however
    /// far outside the (tighter) limits the pool already is.
    #[test]
    fn limits_never_refuse_a_trade_toward_target(
        s in scenario_moved(), limits in tight_params(), f in log_f64(1e-9, 1.0), exact_out in any::<bool>(),
    ) {
        let Some(x) = s.short() else { reject!() };
        let eq = s.equilibrated();
        let trade = if exact_out {
            let excess = eq.reserve(x.other()) - eq.target(x.other());
            let o = to_amount(f * excess as f64).min(excess - 1);
            swap_exact_out(&s.state, &s.market, &limits, x, o)
        } else {
            let room = eq.target(x) - eq.reserve(x);
            swap_exact_in(&s.state, &s.market, &limits, x, to_amount(f * room as f64).min(room))
        };
        prop_assert!(
            !matches!(trade, Err(CurveError::PriceBandExceeded | CurveError::InventoryLimitExceeded)),
            "toward target refused: {trade:?}",
        );
    }

    /// Every accepted trade that leaves its input token long (a sale of the long token, or of
    /// the short one past its target) ends inside the band and under the inventory cap.
    #[test]
    fn accepted_trades_away_from_target_end_within_the_limits(
        s in scenario(), limits in tight_params(), pick in asset(), cross in prop::bool::weighted(0.25),
        f in fraction(),
    ) {
        // Mostly sales of the long token; a quarter of the time the short one, to cross.
        let x = match s.short() {
            Some(short) if cross => short,
            Some(short) => short.other(),
            None => pick,
        };
        let Ok(trade) = swap_exact_in(&s.state, &s.market, &limits, x, s.amount_in(x, f)) else { reject!() };
        let after = s.after(&trade).equilibrated();
        if after.regime.short() != Some(x.other()) {
            reject!()
        }
        let skew = limits.max_skew as f64 / ONE as f64;
        let short = x.other();
        let factor = premium(after.target(short), after.reserve(short), s.market.k, Rounding::Down).unwrap();
        let factor = factor as f64 / ONE as f64;
        // Base short: base at oracle * factor; quote short: base at oracle / factor.
        let within = match short {
            Asset::Base => factor <= (1.0 + skew) * (1.0 + 1e-12),
            Asset::Quote => 1.0 / factor >= (1.0 - skew) * (1.0 - 1e-12),
        };
        prop_assert!(within, "premium {factor} outside band {skew}");
        let p = s.float().price;
        let base_excess = after.base_reserve as f64 - after.base_target as f64;
        let q = base_excess * p / (after.base_target as f64 * p + after.quote_target as f64);
        prop_assert!(q.abs() <= limits.q_max as f64 / ONE as f64 + 1e-9, "|q| = {q} above cap");
    }
}

const E24: u128 = 1_000_000_000_000_000_000_000_000;

fn unit_market() -> Market {
    Market {
        price: ONE,
        k: ONE / 2,
        fee: 0,
    }
}

#[test]
fn price_band_refuses_trades_away_from_target_and_allows_trades_toward_it() {
    let m = unit_market();
    let band = CurveParams {
        max_skew: ONE / 10,
        q_max: ONE,
        ..CurveParams::default()
    };
    let pool = PoolState::balanced(E24, E24);
    // From balanced: a 1% sale fits a 10% band, a 20% sale does not (either way of quoting it).
    assert!(swap_exact_in(&pool, &m, &band, Asset::Base, E24 / 100).is_ok());
    assert_eq!(
        swap_exact_in(&pool, &m, &band, Asset::Base, E24 / 5),
        Err(CurveError::PriceBandExceeded)
    );
    assert_eq!(
        swap_exact_out(&pool, &m, &band, Asset::Base, E24 / 5),
        Err(CurveError::PriceBandExceeded)
    );
    assert_eq!(
        swap_exact_in(&pool, &m, &band, Asset::Quote, E24 / 5),
        Err(CurveError::PriceBandExceeded)
    );

    // A pool pushed outside the band under wider limits (as an oracle move could leave it).
    let far = swap_exact_in(&pool, &m, &params(), Asset::Base, E24 / 5)
        .unwrap()
        .after;
    let marginal = far.marginal_price(m.price, m.k).unwrap();
    assert!(marginal < ONE / 10 * 9, "{marginal}");
    // Further away is refused, even a little; back toward target is allowed, even while the
    // pool stays outside the band.
    assert_eq!(
        swap_exact_in(&far, &m, &band, Asset::Base, E24 / 1000),
        Err(CurveError::PriceBandExceeded)
    );
    assert_eq!(
        swap_exact_out(&far, &m, &band, Asset::Base, E24 / 1000),
        Err(CurveError::PriceBandExceeded)
    );
    let back = swap_exact_in(&far, &m, &band, Asset::Quote, E24 / 1000).unwrap();
    assert!(back.after.marginal_price(m.price, m.k).unwrap() < ONE / 10 * 9);
    assert!(swap_exact_out(&far, &m, &band, Asset::Quote, E24 / 1000).is_ok());
}

#[test]
fn inventory_cap_refuses_trades_away_from_target_and_allows_trades_toward_it() {
    let m = unit_market();
    let cap = CurveParams {
        max_skew: ONE / 2,
        q_max: ONE / 10,
        ..CurveParams::default()
    };
    let pool = PoolState::balanced(E24, E24);
    // q = base surplus / targets' value = surplus / 2e24: 5% fits a 10% cap, 15% does not.
    assert!(swap_exact_in(&pool, &m, &cap, Asset::Base, E24 / 10).is_ok());
    assert_eq!(
        swap_exact_in(&pool, &m, &cap, Asset::Base, E24 / 10 * 3),
        Err(CurveError::InventoryLimitExceeded)
    );
    assert_eq!(
        swap_exact_in(&pool, &m, &cap, Asset::Quote, E24 / 10 * 3),
        Err(CurveError::InventoryLimitExceeded)
    );

    let far = swap_exact_in(&pool, &m, &params(), Asset::Base, E24 / 10 * 3)
        .unwrap()
        .after;
    let q = far.inventory(m.price).unwrap();
    assert!(q > (ONE / 10) as i128, "{q}");
    assert_eq!(
        swap_exact_in(&far, &m, &cap, Asset::Base, E24 / 1000),
        Err(CurveError::InventoryLimitExceeded)
    );
    assert_eq!(
        swap_exact_out(&far, &m, &cap, Asset::Base, E24 / 1000),
        Err(CurveError::InventoryLimitExceeded)
    );
    let back = swap_exact_in(&far, &m, &cap, Asset::Quote, E24 / 1000).unwrap();
    assert!(back.after.inventory(m.price).unwrap() > (ONE / 10) as i128);
    assert!(swap_exact_out(&far, &m, &cap, Asset::Quote, E24 / 1000).is_ok());
}

// ---------------------------------------------------------------------------------------------
// 8. Regressions: the minimal cases the properties found
// ---------------------------------------------------------------------------------------------

fn base_short(base: u128, quote: u128, base_target: u128, quote_target: u128) -> PoolState {
    PoolState {
        base_reserve: base,
        quote_reserve: quote,
        base_target,
        quote_target,
        regime: Regime::BaseShort,
    }
}

/// `solve_target` rounded twice (the excess into short units, then the gap), so a target
/// "rounded down" could sit two units below the exact one; the crossing then refilled a target
/// more than a unit short of the exact one for its `room + 1` and paid out the whole excess, and
/// buying the refill straight back was cheaper than what the sale paid.
#[test]
fn regression_crossing_round_trip_was_profitable() {
    let state = base_short(215_622_735, 3_859_825_888_377, 248_767_562, 3_858_643_950_673);
    let s = Scenario::new(
        state,
        Market {
            price: 33_625_761_227_177_119_744,
            k: 393_517_748_936_007_769,
            fee: 0,
        },
    );
    let a = 57_393_881_171;
    let sale = s.exact_in(Asset::Base, a).unwrap();
    let back = s.after(&sale).exact_out(Asset::Quote, a).unwrap();
    // Was 1_533_083_458_576 for a sale that paid 1_533_083_458_583.
    assert!(
        back.amount_in >= sale.amount_out,
        "{} < {}",
        back.amount_in,
        sale.amount_out
    );
}

#[test]
fn regression_exact_out_round_trip_was_profitable() {
    let state = base_short(923_626, 15_513_750_489, 1_000_000, 15_511_041_373);
    let s = Scenario::new(
        state,
        Market {
            price: 33_625_761_227_177_119_744,
            k: 663_687_546_182_804_681,
            fee: 0,
        },
    );
    let o = 42_411_824;
    let purchase = s.exact_out(Asset::Base, o).unwrap();
    let back = s
        .after(&purchase)
        .exact_out(Asset::Quote, purchase.amount_in)
        .unwrap();
    // Was 42_411_822.
    assert!(back.amount_in >= o, "{}", back.amount_in);
}

/// The derived target lost a unit to the double rounding: 1001 base (1.001 quote) taken for 1
/// quote left a quote target of 999_999, so the targets' value fell from 1_001_000 to 1_000_999;
/// and 1001 base sold exact-in bought nothing (1.001 quote floored to 1, then the premium).
#[test]
fn regression_dust_trade_lowered_target_value_and_exact_in_paid_nothing() {
    let s = Scenario::new(
        PoolState::balanced(1_000_000, 1_000_000),
        Market {
            price: ONE / 1000,
            k: ONE / 100,
            fee: 0,
        },
    );
    let purchase = s.exact_out(Asset::Base, 1).unwrap();
    assert_eq!(purchase.amount_in, 1001);
    assert!(s.after(&purchase).target_value() >= s.target_value());
    assert_eq!(s.exact_in(Asset::Base, 1001).map(|t| t.amount_out), Ok(1));
}

/// `solve_trade` rounded twice, so an exact-out quote for what 4563 base bought asked 4565.
#[test]
fn regression_exact_out_quote_asked_two_units_more_than_exact_in() {
    let state = base_short(2_196_099_099, 1_584_157_146_095, 2_544_496_780, 1_468_731_914_821);
    let s = Scenario::new(
        state,
        Market {
            price: 355_702_830_523_905_605_632,
            k: ONE / 100,
            fee: 1_971_954_425_942_157,
        },
    );
    let sale = s.exact_in(Asset::Base, 4563).unwrap();
    assert_eq!(sale.amount_out, 1_625_003);
    assert!(s.exact_out(Asset::Base, sale.amount_out).unwrap().amount_in <= 4563);
}

/// Buying one unit less than the excess refilled along the curve anchored at the rounded-down
/// target and could cost a unit more than buying the whole excess (a crossing at `room + 1`).
#[test]
fn regression_exact_out_cost_fell_at_the_crossing() {
    let cases = [
        (
            base_short(504_858, 520_077_834, 1_000_000, 346_718_556),
            Market {
                price: 346_718_556_011_511_152_640,
                k: ONE / 100,
                fee: 0,
            },
        ),
        (
            base_short(
                2_683_906_532_377_216_506_154_458,
                593_326_759_086_796_441_204_555_776,
                4_741_353_846_538_005_286_748_160,
                406_392_598_842_334_578_160_630_971,
            ),
            Market {
                price: 85_573_966_701_448_855_552,
                k: 80_539_161_294_273_222,
                fee: 3_497_742_946_994_689,
            },
        ),
    ];
    for (state, market) in cases {
        let s = Scenario::new(state, market);
        let excess = state.quote_reserve - state.quote_target;
        let below = s.exact_out(Asset::Base, excess - 1).unwrap().amount_in;
        let at = s.exact_out(Asset::Base, excess).unwrap().amount_in;
        assert!(below <= at, "{below} > {at}");
    }
}
