//! The `Math` global: `floor`, `ceil`, `round`, `trunc`, `abs`, `sign`, `min`, `max`,
//! `pow`, `sqrt`, `log`, `exp`, `random`, trigonometry and the constants.
//!
//! ```rhai
//! let items = ["a", "b", "c"];
//! items[Math.floor(Math.random() * items.length)];   // an integer index
//! Math.max(3, 7, 5);                                  // 7
//! Math.max(items.map(|s| s.length));                  // procbox: the array form
//! Math.round(-2.5);                                   // -2, as in JS
//! ```
//!
//! Results are integers when integral and exact (see `super::num`), so they index
//! arrays and print as JS prints them. Rhai has no spread, so `min`/`max` take 0 to
//! 8 arguments, or one array (`Math.max(arr)` for JS's `Math.max(...arr)`).

use std::cell::Cell;

use rhai::{Array, Dynamic, Engine, INT};

use super::{num, to_f64};

/// A one-argument function of `Math`.
type Unary = fn(f64) -> f64;

/// The `Math` global.
#[derive(Clone)]
pub struct MathGlobal;

/// `Math.random()`'s state, a slot on the runtime state (the binding keeps the `Rc`).
struct Seed(Cell<u64>);

fn seed() -> u64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    (t ^ (u64::from(std::process::id()) << 32)) | 1
}

/// xorshift64*: statistically fine for `Math.random()`, which promises nothing more.
fn random(s: &Seed) -> f64 {
    let mut x = s.0.get();
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s.0.set(x);
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// JS's `Math.round`: halves go up (toward +∞), unlike Rust's `round`.
fn round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

/// `Math.min`/`Math.max` over any values: integers stay integers; a NaN wins.
fn extreme(args: &[Dynamic], max: bool) -> Dynamic {
    if args.iter().all(Dynamic::is_int) && !args.is_empty() {
        let ints = args.iter().filter_map(|v| v.as_int().ok());
        return Dynamic::from_int(if max { ints.max() } else { ints.min() }.unwrap_or(0));
    }
    let mut acc = if max { f64::NEG_INFINITY } else { f64::INFINITY };
    for v in args {
        let f = to_f64(v);
        if f.is_nan() {
            return Dynamic::from_float(f64::NAN);
        }
        acc = if max { acc.max(f) } else { acc.min(f) };
    }
    num(acc)
}

fn pow(b: INT, e: INT) -> Dynamic {
    match u32::try_from(e).ok().and_then(|e| b.checked_pow(e)) {
        Some(p) => Dynamic::from_int(p),
        None => num((b as f64).powf(e as f64)),
    }
}

macro_rules! min_max {
    ($engine:expr, $($arg:ident),*) => {
        $engine.register_fn("min", |_: &mut MathGlobal, $($arg: Dynamic),*| extreme(&[$($arg),*], false));
        $engine.register_fn("max", |_: &mut MathGlobal, $($arg: Dynamic),*| extreme(&[$($arg),*], true));
    };
}

/// `Math.random()`: the binding keeps the seed's `Rc`.
pub fn register_random(engine: &mut Engine, st: &crate::runtime::State) {
    let s = st.slots.get_or_init(|| Seed(Cell::new(seed())));
    engine.register_fn("random", move |_: &mut MathGlobal| random(&s));
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<MathGlobal>("Math");
    for (name, v) in [
        ("PI", std::f64::consts::PI),
        ("E", std::f64::consts::E),
        ("LN2", std::f64::consts::LN_2),
        ("LN10", std::f64::consts::LN_10),
        ("LOG2E", std::f64::consts::LOG2_E),
        ("LOG10E", std::f64::consts::LOG10_E),
        ("SQRT2", std::f64::consts::SQRT_2),
        ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
    ] {
        engine.register_get(name, move |_: &mut MathGlobal| v);
    }
    // Integers are already integral: floor & co. give them back.
    for name in ["floor", "ceil", "round", "trunc"] {
        engine.register_fn(name, |_: &mut MathGlobal, x: INT| x);
    }
    engine.register_fn("floor", |_: &mut MathGlobal, x: f64| num(x.floor()));
    engine.register_fn("ceil", |_: &mut MathGlobal, x: f64| num(x.ceil()));
    engine.register_fn("round", |_: &mut MathGlobal, x: f64| num(round(x)));
    engine.register_fn("trunc", |_: &mut MathGlobal, x: f64| num(x.trunc()));
    engine.register_fn("abs", |_: &mut MathGlobal, x: INT| {
        x.checked_abs().map_or_else(|| num((x as f64).abs()), Dynamic::from_int)
    });
    engine.register_fn("abs", |_: &mut MathGlobal, x: f64| num(x.abs()));
    engine.register_fn("sign", |_: &mut MathGlobal, x: INT| x.signum());
    engine.register_fn(
        "sign",
        |_: &mut MathGlobal, x: f64| if x == 0.0 || x.is_nan() { num(x) } else { num(x.signum()) },
    );
    engine.register_fn("pow", |_: &mut MathGlobal, b: INT, e: INT| pow(b, e));
    engine.register_fn("pow", |_: &mut MathGlobal, b: Dynamic, e: Dynamic| num(to_f64(&b).powf(to_f64(&e))));
    // The rest take any number (`Math.floor("3.7")` is 3, as in JS).
    for name in ["floor", "ceil", "round", "trunc", "abs", "sign"] {
        let f: fn(f64) -> f64 = match name {
            "floor" => f64::floor,
            "ceil" => f64::ceil,
            "round" => round,
            "trunc" => f64::trunc,
            "abs" => f64::abs,
            _ => |x| if x == 0.0 || x.is_nan() { x } else { x.signum() },
        };
        engine.register_fn(name, move |_: &mut MathGlobal, x: Dynamic| num(f(to_f64(&x))));
    }
    let unary: [(&str, Unary); 14] = [
        ("sqrt", f64::sqrt),
        ("cbrt", f64::cbrt),
        ("log", f64::ln),
        ("log2", f64::log2),
        ("log10", f64::log10),
        ("log1p", f64::ln_1p),
        ("exp", f64::exp),
        ("expm1", f64::exp_m1),
        ("sin", f64::sin),
        ("cos", f64::cos),
        ("tan", f64::tan),
        ("asin", f64::asin),
        ("acos", f64::acos),
        ("atan", f64::atan),
    ];
    for (name, f) in unary {
        engine.register_fn(name, move |_: &mut MathGlobal, x: INT| num(f(x as f64)));
        engine.register_fn(name, move |_: &mut MathGlobal, x: f64| num(f(x)));
        engine.register_fn(name, move |_: &mut MathGlobal, x: Dynamic| num(f(to_f64(&x))));
    }
    engine.register_fn("atan2", |_: &mut MathGlobal, y: Dynamic, x: Dynamic| num(to_f64(&y).atan2(to_f64(&x))));
    engine.register_fn("hypot", |_: &mut MathGlobal, x: Dynamic, y: Dynamic| num(to_f64(&x).hypot(to_f64(&y))));

    // min/max: the common two-number cases exactly typed, then any count.
    engine.register_fn("max", |_: &mut MathGlobal, a: INT, b: INT| a.max(b));
    engine.register_fn("min", |_: &mut MathGlobal, a: INT, b: INT| a.min(b));
    engine.register_fn("max", |_: &mut MathGlobal, a: f64, b: f64| extreme(&[a.into(), b.into()], true));
    engine.register_fn("min", |_: &mut MathGlobal, a: f64, b: f64| extreme(&[a.into(), b.into()], false));
    engine.register_fn("max", |_: &mut MathGlobal, a: Array| extreme(&a, true));
    engine.register_fn("min", |_: &mut MathGlobal, a: Array| extreme(&a, false));
    min_max!(engine,);
    min_max!(engine, a);
    min_max!(engine, a, b);
    min_max!(engine, a, b, c);
    min_max!(engine, a, b, c, d);
    min_max!(engine, a, b, c, d, e);
    min_max!(engine, a, b, c, d, e, f);
    min_max!(engine, a, b, c, d, e, f, g);
    min_max!(engine, a, b, c, d, e, f, g, h);
}
