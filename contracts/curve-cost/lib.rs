#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A measuring instrument for the pool's on-chain cost, never a part of a deployment: it runs one
//! part of `keel_core`'s curve math a given number of times on the inputs it is given, so the gas
//! of that part is the difference between two calls that run it a different number of times
//! (`tests/examples/curve_cost.rs`). Built as the pool's math is built (the same core, `uint` at
//! the same opt-level), so each part costs what it costs inside a pool's swap. Every input
//! passes through `black_box` on every run, so the compiler cannot run a part once for all.

#[ink::contract]
pub mod curve_cost {
    use core::hint::black_box;
    use keel_core::math::{self, full_mul, mul, wide, Rounding, ONE};
    use keel_core::pmm::{self, Direction};
    use keel_core::{Anchor, Asset, CurveParams, Market, PoolState, SwapKind};

    /// A part of the curve math a swap runs.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Part {
        /// Nothing but the loop and its inputs: the floor the other parts are read against.
        Nothing,
        /// The whole of a swap's pricing as the pool runs it: the anchor, the shift, the curve.
        AnchorSwapExactIn,
        /// The curve's exact-in trade alone (`keel_core::swap_exact_in`).
        SwapExactIn,
        /// The curve's exact-out trade alone (`keel_core::swap_exact_out`).
        SwapExactOut,
        /// Re-deriving the short side's target (`PoolState::equilibrate`), rounded up.
        Equilibrate,
        /// The reserve a drain reaches (`pmm::solve_trade`), from the target.
        SolveTrade,
        /// The long-token value of a move along the curve (`pmm::integrate`).
        Integrate,
        /// A square root of a 512-bit value of a swap's size (`math::sqrt512`).
        Sqrt512,
        /// A 512-bit division of a swap's size (`math::div512`).
        Div512,
        /// A 256 x 256 -> 512-bit product (`math::full_mul`).
        FullMul,
        /// The same product by `uint`'s own `full_mul`, built at opt-level 3.
        FullMulUint,
        /// A copy of a 512-bit value through memory.
        CopyU512,
        /// A checked 256-bit product of two 128-bit values (`math::mul`).
        Mul256,
        /// `a * b / c` on `u128` whose product fits in 128 bits (`math::mul_div_u128`).
        MulDivU128Narrow,
        /// `a * b / c` on `u128` whose product does not (`math::mul_div_u128`'s 512-bit path).
        MulDivU128Wide,
        /// A `u128` division by a 64-bit divisor, quotient and remainder (`math::div_rem_u128`):
        /// the step that long division takes once per quotient limb.
        DivU128By64,
        /// A `u128` product of two 64-bit values, by the compiler's 128-bit routine.
        MulU64Wide,
        /// A thousand rounds of a 64-bit xorshift: a known count of plain Wasm instructions
        /// (about 15 a round), to read the others against.
        Xorshift1000,
    }

    /// The inputs every part reads: a pool's state and market, and a trade.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub struct Case {
        pub state: PoolState,
        pub market: Market,
        pub params: CurveParams,
        pub asset_in: Asset,
        pub amount: u128,
    }

    #[ink(storage)]
    #[derive(Default)]
    pub struct CurveCost {}

    impl CurveCost {
        /// An instrument with no state.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {}
        }

        /// Runs `part` on `case` `times` times and returns a checksum of the answers (a refusal
        /// counts as zero), so no run is left out. The operands each part reads are derived
        /// from `case` once, before the runs.
        #[ink(message)]
        pub fn run(&self, part: Part, times: u32, case: Case) -> u128 {
            let operands = Operands::of(&case);
            let mut sum = 0u128;
            for _ in 0..times {
                sum = sum.wrapping_add(once(part, black_box(&case), black_box(&operands)));
            }
            sum
        }
    }

    /// The operands of the arithmetic parts, at a swap's sizes: the short side's target and
    /// reserve scaled by `ONE`, their 512-bit product, and a 256-bit divisor.
    struct Operands {
        short: Asset,
        s0: u128,
        s1: u128,
        price: pmm::Ratio,
        wide_s0: math::U256,
        wide_s1: math::U256,
        product: math::U512,
        divisor: math::U512,
    }

    impl Operands {
        fn of(c: &Case) -> Operands {
            let short = c.asset_in.other();
            let (s0, s1) = (c.state.target(short), c.state.reserve(short));
            let wide_s0 = wide(s0).saturating_mul(wide(ONE));
            let wide_s1 = wide(s1).saturating_mul(wide(ONE));
            Operands {
                short,
                s0,
                s1,
                price: short.price_in_other(c.market.price),
                wide_s0,
                wide_s1,
                product: full_mul(wide_s0, wide_s1),
                divisor: full_mul(wide(s1), wide(ONE)),
            }
        }
    }

    /// Every limb of `x`, folded into one answer, so that no part of a result goes uncomputed.
    fn fold(x: math::U512) -> u128 {
        u128::from(x.0.iter().fold(0u64, |acc, &limb| acc ^ limb))
    }

    /// One run of `part`. The casts keep the low bits of the inputs on purpose: any bits do
    /// for an operand.
    #[allow(clippy::cast_possible_truncation)]
    fn once(part: Part, c: &Case, o: &Operands) -> u128 {
        let (s0, s1, price, k) = (o.s0, o.s1, o.price, c.market.k);
        let low = |x: math::U256| x.low_u128();
        match part {
            Part::Nothing => s0 ^ s1,
            Part::AnchorSwapExactIn => Anchor::new(c.market, 0, &c.params)
                .swap(&c.state, &c.params, SwapKind::ExactIn, c.asset_in, c.amount)
                .map_or(0, |p| p.trade.amount_out),
            Part::SwapExactIn => {
                keel_core::swap_exact_in(&c.state, &c.market, &c.params, c.asset_in, c.amount)
                    .map_or(0, |t| t.amount_out)
            }
            Part::SwapExactOut => {
                keel_core::swap_exact_out(&c.state, &c.market, &c.params, c.asset_in, c.amount)
                    .map_or(0, |t| t.amount_in)
            }
            Part::Equilibrate => c
                .state
                .equilibrate(c.market.price, k, Rounding::Up)
                .map_or(0, |s| s.target(o.short)),
            Part::SolveTrade => pmm::solve_trade(s0, s1, c.amount, price, k, Direction::Drain).unwrap_or(0),
            Part::Integrate => {
                pmm::integrate(s0, s1, s1.saturating_sub(s1 / 100), price, k, Rounding::Up).unwrap_or(0)
            }
            Part::Sqrt512 => math::sqrt512(o.product, Rounding::Up).map_or(0, low),
            Part::Div512 => math::div512(o.product, o.divisor, Rounding::Up).map_or(0, |q| q.low_u128()),
            Part::FullMul => fold(full_mul(o.wide_s0, o.wide_s1)),
            Part::FullMulUint => fold(o.wide_s0.full_mul(o.wide_s1)),
            Part::CopyU512 => fold(black_box(o.product)),
            Part::Mul256 => mul(wide(s0), wide(s1)).map_or(0, low),
            Part::MulDivU128Narrow => {
                math::mul_div_u128(c.amount, c.market.fee, ONE, Rounding::Up).unwrap_or(0)
            }
            Part::MulDivU128Wide => math::mul_div_u128(s0, ONE, s1, Rounding::Down).unwrap_or(0),
            Part::DivU128By64 => {
                let (q, r) = math::div_rem_u128(s0.wrapping_mul(s1), u128::from(s1 as u64 | 1 << 63))
                    .unwrap_or((0, 0));
                q ^ r
            }
            Part::MulU64Wide => u128::from(s0 as u64).wrapping_mul(u128::from(s1 as u64)),
            Part::Xorshift1000 => {
                let mut x = s0 as u64 | 1;
                for _ in 0..1000 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                }
                u128::from(x)
            }
        }
    }
}
