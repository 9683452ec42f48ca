/// Why the curve refused a computation. Each variant is a distinct refusal a caller can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub enum CurveError {
    /// An intermediate or result does not fit its integer type.
    Overflow,
    /// A division by zero: an empty reserve or a zero price reached the math.
    DivisionByZero,
    /// The amount given is zero.
    ZeroAmount,
    /// The trade is so small that it would pay out nothing.
    ZeroOutput,
    /// The pool cannot pay that much: the output would empty a reserve.
    InsufficientLiquidity,
    /// A reserve would exceed [`crate::MAX_RESERVE`].
    ReserveLimitExceeded,
    /// The trade would move the marginal price beyond `oracle * (1 +/- max_skew)`.
    PriceBandExceeded,
    /// The trade would push the inventory imbalance `|q|` beyond `q_max`.
    InventoryLimitExceeded,
    /// The oracle price is zero or outside [`crate::MIN_PRICE`]..=[`crate::MAX_PRICE`]. (A
    /// volatility above [`crate::MAX_VOLATILITY`] is priced at it, not refused.)
    InvalidPrice,
    /// A parameter is outside its documented bounds.
    InvalidParameter,
}
