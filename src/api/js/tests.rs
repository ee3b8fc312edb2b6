//! The JS names on a bare Rhai engine (no runtime): arity adaptation, the choice of
//! JS meaning over Rhai's for shared names, and Rhai's own names left working.

use rhai::{Dynamic, Engine};

fn engine() -> Engine {
    let mut engine = Engine::new();
    super::register(&mut engine);
    engine
}

fn eval(src: &str) -> String {
    let r: Dynamic = engine().eval(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    super::to_js_string(&r)
}

#[test]
fn callbacks_get_what_they_declare() {
    assert_eq!(eval("[5, 6].map(|x| x * 2)"), "10,12");
    assert_eq!(eval("[5, 6].map(|x, i| x * i)"), "0,6");
    assert_eq!(eval("[5, 6].map(|x, i, a| a.length + i)"), "2,3");
    assert_eq!(eval("[5, 6].map(|x, i, a, extra| extra == ())"), "true,true");
    assert_eq!(eval("[5, 6].map(|| this + 1)"), "6,7");
    assert_eq!(eval("let k = 10; [5, 6].map(|x, i| x * k + i)"), "50,61");
    assert_eq!(eval("fn twice(x) { x * 2 } [5, 6].map(Fn(\"twice\"))"), "10,12");
    assert_eq!(eval("[1, 2, 3].reduce(|a, b, i, arr| a + b * i + arr.length, 0)"), "17");
}

#[test]
fn js_meaning_wins_for_shared_names() {
    // The statement form no longer changes the variable: the new value is returned.
    assert_eq!(eval(r#"let s = " a "; s.trim(); s"#), " a ");
    assert_eq!(eval(r#"let s = " a "; s = s.trim(); s"#), "a");
    assert_eq!(eval(r#""a-b-c".replace("-", "+")"#), "a+b-c");
    assert_eq!(eval(r#""a,b,c".split(",", 2)"#), "a,b");
    assert_eq!(eval("[10, 9, 1].sort()"), "1,10,9");
    assert_eq!(eval(r#"let a = [3, 1, 2]; let b = a.sort(|x, y| x - y); a.join() + "|" + b.join()"#), "1,2,3|1,2,3");
    assert_eq!(eval("[0.5, 0.25].sort(|x, y| x - y)"), "0.25,0.5");
    assert_eq!(eval("let a = []; a.push(1) + a.push(2)"), "3");
    assert_eq!(eval("[1, 2, 3].reduce(|a, b| a + b)"), "6");
    assert_eq!(eval("let a = [1, 2, 3]; a.splice(1, 1, [9]); a.length"), "3");
}

#[test]
fn rhai_names_still_work() {
    assert_eq!(eval(r#""abc".to_upper()"#), "ABC");
    assert_eq!(eval(r#"let s = "ab"; s.pad(4, "x"); s"#), "abxx");
    assert_eq!(eval(r#""a b  c".split()"#), "a,b,c");
    assert_eq!(eval("[1, 2, 3].len"), "3");
    assert_eq!(eval("[1, 2, 3].filter(|| this > 1)"), "2,3");
}

#[test]
fn callback_errors_stop_and_propagate() {
    let r = engine().eval::<Dynamic>(r#"[3, 1, 2].sort(|a, b| throw "cmp")"#);
    assert!(r.unwrap_err().to_string().contains("cmp"));
    let r = engine().eval::<Dynamic>("[].reduce(|a, b| a + b)");
    assert!(format!("{:?}", r.unwrap_err()).contains("Reduce of empty array"));
}
