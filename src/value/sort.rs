//! A stable merge sort driven by a fallible comparison, for `Array.prototype.sort`.
//!
//! Rust's own sort cannot stop on the first error a script comparator throws, and
//! may panic when a comparator is not a total order (`|a, b| a > b`, a classic JS
//! mistake); this one just gives some order, as JS engines do.

/// Length of the runs sorted by insertion before merging.
const RUN: usize = 8;

/// Sorts the positions `0..n`: `after(i, j)` says whether item `i` must come after
/// item `j` (JS's `cmp(a, b) > 0`). Equal items keep their order.
pub fn order<E>(n: usize, mut after: impl FnMut(usize, usize) -> Result<bool, E>) -> Result<Vec<usize>, E> {
    let mut idx: Vec<usize> = (0..n).collect();
    // Short runs by binary insertion: fewest comparisons for the small arrays scripts
    // mostly sort (each comparison is a script call).
    for run in idx.chunks_mut(RUN) {
        for i in 1..run.len() {
            let x = run[i];
            // After the last item not after x: equal items keep their order.
            let (mut lo, mut hi) = (0, i);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if after(run[mid], x)? {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            run[lo..=i].rotate_right(1);
        }
    }
    let mut buf = idx.clone();
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            // Already in order (a sorted input costs n - 1 comparisons in all).
            if mid == hi || !after(idx[mid - 1], idx[mid])? {
                buf[lo..hi].copy_from_slice(&idx[lo..hi]);
                lo = hi;
                continue;
            }
            let (mut a, mut b, mut k) = (lo, mid, lo);
            while a < mid && b < hi {
                if after(idx[a], idx[b])? {
                    buf[k] = idx[b];
                    b += 1;
                } else {
                    buf[k] = idx[a];
                    a += 1;
                }
                k += 1;
            }
            buf[k..k + mid - a].copy_from_slice(&idx[a..mid]);
            k += mid - a;
            buf[k..k + hi - b].copy_from_slice(&idx[b..hi]);
            lo = hi;
        }
        std::mem::swap(&mut idx, &mut buf);
        width *= 2;
    }
    Ok(idx)
}

/// Reorders `items` by `order` (a permutation of their positions).
pub fn apply<T: Default>(items: &mut [T], order: &[usize]) {
    let mut taken: Vec<T> = items.iter_mut().map(std::mem::take).collect();
    for (slot, &i) in items.iter_mut().zip(order) {
        *slot = std::mem::take(&mut taken[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_total() {
        let v = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let o = order(v.len(), |i, j| Ok::<_, ()>(v[i].0 > v[j].0)).unwrap();
        let mut got = v.to_vec();
        apply(&mut got, &o);
        assert_eq!(got, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        for n in 0..40 {
            let v: Vec<i32> = (0..n).map(|i| (i * 7919) % 13).collect();
            let o = order(n as usize, |i, j| Ok::<_, ()>(v[i] > v[j])).unwrap();
            let mut s: Vec<i32> = o.iter().map(|&i| v[i]).collect();
            let sorted = s.clone();
            s.sort();
            assert_eq!(s, sorted);
        }
    }

    #[test]
    fn stops_at_the_first_error_and_survives_bad_comparators() {
        let mut calls = 0;
        let r = order(10, |_, _| {
            calls += 1;
            if calls == 3 { Err("boom") } else { Ok(true) }
        });
        assert_eq!(r, Err("boom"));
        let o = order(50, |i, j| Ok::<_, ()>((i * j) % 3 == 1)).unwrap();
        let mut seen = o.clone();
        seen.sort();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
    }
}
