//! Medians of at most [`MAX_REPORTERS`] values, without allocation.

use super::MAX_REPORTERS;

/// Up to [`MAX_REPORTERS`] values, sorted on demand.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sample {
    values: [u128; MAX_REPORTERS],
    len: usize,
}

impl Sample {
    pub(crate) fn new() -> Sample {
        Sample {
            values: [0; MAX_REPORTERS],
            len: 0,
        }
    }

    /// Adds `value`; values past [`MAX_REPORTERS`] are ignored (a feed never has more).
    pub(crate) fn push(&mut self, value: u128) {
        if let Some(slot) = self.values.get_mut(self.len) {
            *slot = value;
            self.len = self.len.saturating_add(1);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn sorted(&self) -> [u128; MAX_REPORTERS] {
        let mut v = self.values;
        if let Some(filled) = v.get_mut(..self.len) {
            filled.sort_unstable();
        }
        v
    }

    /// The two middle values (the same one for an odd count), or `None` when empty.
    pub(crate) fn middles(&self) -> Option<(u128, u128)> {
        if self.len == 0 {
            return None;
        }
        let v = self.sorted();
        let upper = self.len / 2;
        let lower = self.len.saturating_sub(1) / 2;
        Some((*v.get(lower)?, *v.get(upper)?))
    }

    /// The `n`-th largest value (`n = 1` is the largest), or `None` when there are fewer.
    pub(crate) fn nth_largest(&self, n: usize) -> Option<u128> {
        if n == 0 || n > self.len {
            return None;
        }
        self.sorted().get(self.len.checked_sub(n)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[u128]) -> Sample {
        let mut s = Sample::new();
        for v in values {
            s.push(*v);
        }
        s
    }

    #[test]
    fn middles_of_odd_and_even_counts() {
        assert_eq!(sample(&[]).middles(), None);
        assert_eq!(sample(&[5]).middles(), Some((5, 5)));
        assert_eq!(sample(&[9, 1, 5]).middles(), Some((5, 5)));
        assert_eq!(sample(&[9, 1, 5, 7]).middles(), Some((5, 7)));
    }

    #[test]
    fn nth_largest_counts_from_the_top() {
        let s = sample(&[30, 10, 20]);
        assert_eq!(s.nth_largest(1), Some(30));
        assert_eq!(s.nth_largest(3), Some(10));
        assert_eq!(s.nth_largest(4), None);
        assert_eq!(s.nth_largest(0), None);
    }

    #[test]
    fn a_full_sample_ignores_extra_values() {
        let mut s = sample(&[1; MAX_REPORTERS]);
        s.push(100);
        assert_eq!(s.len(), MAX_REPORTERS);
        assert_eq!(s.nth_largest(1), Some(1));
    }
}
