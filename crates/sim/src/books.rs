//! An LP's P&L taken apart: every trade marked out against the reference price at the moment it
//! happened, split into the fee and what the trader won or paid beyond it, plus the inventory's
//! move with the price between trades. The parts add up to LP value minus HODL exactly (up to
//! float rounding); whatever the pool did outside trades (bounties) is the `other` line.
//!
//! Adverse selection is what informed flow (arbitrageurs and informed traders) takes at the
//! reference before the fee it pays; noise impact is what uninformed flow pays beyond the fee.
//! With noise on, an arbitrageur also takes back impact noise just paid: read the two together.

use keel_core::Asset;

/// Who traded with the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Arbitrage,
    Informed,
    /// Uninformed flow, whales included.
    Noise,
    /// The pool's own sale on the venue.
    Rebalance,
}

/// Running P&L parts, in quote tokens at the reference price of each trade.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Books {
    start: (f64, f64),
    /// Base the pool holds now, and the last reference price.
    base: f64,
    price: f64,
    pub fees: f64,
    pub arbitrage_fees: f64,
    pub noise_impact: f64,
    /// Taken by arbitrageurs at the reference, before their fees.
    pub arbitrage: f64,
    /// Taken by informed traders at the reference, before their fees.
    pub informed: f64,
    /// The rebalances' loss at the reference (the venue's fee and impact).
    pub rebalancing: f64,
    /// What traders paid in (fee included), at the reference: fees over volume is the fee the
    /// pool earned per unit traded.
    pub volume: f64,
    /// The inventory's gain against HODL from price moves: `sum (base - base0) * dP`.
    pub inventory: f64,
    pub trades: u64,
}

/// The parts at the end of a path, in quote tokens; `total` is LP value minus HODL.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Decomposition {
    pub fees: f64,
    pub noise_impact: f64,
    pub adverse_selection: f64,
    pub arbitrage_net: f64,
    pub rebalancing: f64,
    pub inventory: f64,
    pub other: f64,
    pub total: f64,
    pub volume: f64,
}

impl Books {
    /// Books for a pool starting with `base` and `quote` tokens at `price`.
    pub fn new(base: f64, quote: f64, price: f64) -> Books {
        Books {
            start: (base, quote),
            base,
            price,
            ..Books::default()
        }
    }

    /// The reference moved to `price` (at the start of a block, before anyone trades).
    pub fn price(&mut self, price: f64) {
        self.inventory += (self.base - self.start.0) * (price - self.price);
        self.price = price;
    }

    /// The pool's base holdings as its state says (after a block), so changes outside trades
    /// show as `other` instead of skewing the inventory line.
    pub fn holdings(&mut self, base: f64) {
        self.base = base;
    }

    /// A trade: `who` sold `amount_in` of `sell` to the pool for `amount_out`, `fee` of the input
    /// kept as fee (all in tokens).
    pub fn trade(&mut self, who: Flow, sell: Asset, amount_in: f64, amount_out: f64, fee: f64) {
        let p = self.price;
        let (d_base, d_quote, fee_value) = match sell {
            Asset::Base => (amount_in, -amount_out, fee * p),
            Asset::Quote => (-amount_out, amount_in, fee),
        };
        // What the trade left the pool with, at the reference, beyond its fee.
        let edge = d_base * p + d_quote - fee_value;
        if who != Flow::Rebalance {
            self.volume += match sell {
                Asset::Base => amount_in * p,
                Asset::Quote => amount_in,
            };
        }
        self.base += d_base;
        self.trades = self.trades.saturating_add(1);
        match who {
            Flow::Noise => {
                self.fees += fee_value;
                self.noise_impact += edge;
            }
            Flow::Arbitrage => {
                self.fees += fee_value;
                self.arbitrage_fees += fee_value;
                self.arbitrage -= edge;
            }
            Flow::Informed => {
                self.fees += fee_value;
                self.informed -= edge;
            }
            Flow::Rebalance => self.rebalancing -= edge + fee_value,
        }
    }

    /// The parts for a pool worth `value` at the final reference.
    pub fn finish(&self, value: f64) -> Decomposition {
        let hodl = self.start.0 * self.price + self.start.1;
        let total = value - hodl;
        let adverse_selection = self.arbitrage + self.informed;
        let known = self.fees + self.noise_impact - adverse_selection - self.rebalancing + self.inventory;
        Decomposition {
            fees: self.fees,
            noise_impact: self.noise_impact,
            adverse_selection,
            arbitrage_net: self.arbitrage - self.arbitrage_fees,
            rebalancing: self.rebalancing,
            inventory: self.inventory,
            other: total - known,
            total,
            volume: self.volume,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::cpmm;

    fn tokens(x: u128) -> f64 {
        x as f64 / 1e18
    }

    #[test]
    fn a_constant_product_path_adds_up_with_nothing_left_over() {
        // given a 30 bps pool, a price path and trades of every kind
        let one = 1_000_000_000_000_000_000u128;
        let (mut b, mut q) = (1_000 * one, 10_000 * one);
        let mut books = Books::new(1_000.0, 10_000.0, 10.0);
        let trades = [
            (10.2, Flow::Arbitrage, Asset::Quote, 80 * one),
            (10.1, Flow::Noise, Asset::Base, 3 * one),
            (9.7, Flow::Informed, Asset::Base, 12 * one),
            (9.9, Flow::Noise, Asset::Quote, 25 * one),
            (10.4, Flow::Rebalance, Asset::Quote, 40 * one),
        ];
        for (price, who, sell, amount) in trades {
            books.price(price);
            let (r_in, r_out) = if sell == Asset::Base { (b, q) } else { (q, b) };
            let fee_bps = if who == Flow::Rebalance { 0 } else { 30 };
            let out = cpmm::amount_out(r_in, r_out, amount, fee_bps).expect("quote");
            if sell == Asset::Base {
                (b, q) = (b + amount, q - out);
            } else {
                (b, q) = (b - out, q + amount);
            }
            let fee = tokens(amount) * f64::from(fee_bps) / 10_000.0;
            books.trade(who, sell, tokens(amount), tokens(out), fee);
            books.holdings(tokens(b));
        }
        // when the path ends
        let d = books.finish(tokens(b) * 10.4 + tokens(q));
        // then the parts add up to LP value minus HODL, with nothing unexplained
        assert!(d.other.abs() < 1e-9, "{d:?}");
        assert!(
            d.fees > 0.0 && d.adverse_selection > 0.0 && d.rebalancing > 0.0,
            "{d:?}"
        );
    }

    #[test]
    fn noise_at_a_pool_priced_at_the_reference_pays_impact_beyond_the_fee() {
        let one = 1_000_000_000_000_000_000u128;
        let mut books = Books::new(1_000.0, 10_000.0, 10.0);
        books.price(10.0);
        let out = cpmm::amount_out(1_000 * one, 10_000 * one, 20 * one, 30).expect("quote");
        books.trade(Flow::Noise, Asset::Base, 20.0, tokens(out), 20.0 * 0.003);
        assert!(books.noise_impact > 0.0 && books.fees > 0.0, "{books:?}");
        assert!(books.arbitrage.abs() < f64::EPSILON);
    }

    #[test]
    fn value_taken_outside_trades_shows_as_other() {
        let mut books = Books::new(100.0, 1_000.0, 10.0);
        books.price(10.0);
        // A bounty of 5 quote leaves the pool.
        let d = books.finish(100.0 * 10.0 + 995.0);
        assert!((d.other + 5.0).abs() < 1e-9, "{d:?}");
        assert!((d.total + 5.0).abs() < 1e-9, "{d:?}");
    }
}
