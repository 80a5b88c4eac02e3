//! Tera setup: the default theme is embedded in the binary, so a site without `themes/`
//! builds; a site's theme overrides it file by file.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use tera::{Tera, Value};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, as shipped.
pub const TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "header.html",
    "footer.html",
    "macros.html",
    "index.html",
    "case.html",
    "review.html",
    "disclosure.html",
    "page.html",
    "list.html",
    "taxonomy.html",
    "404.html",
    "archive.html",
    "search.html",
    "atom.xml",
    "sitemap.xml",
    "data.html",
    "dataset.html",
    "orgs.html",
    "org.html",
    "redirect.html",
    "shortcodes/chart.html",
    "shortcodes/table.html",
);

/// The default theme's static files, as shipped.
pub const STATICS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../themes/default/static/style.css")),
    ("gongkai.js", include_bytes!("../../themes/default/static/gongkai.js")),
    ("search.js", include_bytes!("../../themes/default/static/search.js")),
];

/// Builds the template set: embedded defaults, then the site's overrides.
pub fn load(overrides: &[(String, String)]) -> Result<Tera> {
    let mut tera = Tera::default();
    let mut all: Vec<(&str, &str)> = TEMPLATES.to_vec();
    all.extend(overrides.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    if let Some((name, line, depth)) =
        all.iter().find_map(|(name, text)| too_deep(text).map(|(l, d)| (name, l, d)))
    {
        anyhow::bail!(t!(
            "the template {name} is too deep or too long at line {line} ({depth}); tera would overflow its stack or take minutes: at most {MAX_NESTING} levels of brackets and of if/for/block/macro/filter, {MAX_CALLS} calls inside calls, {MAX_TERMS} operators in one tag",
            "模板 {name} 第 {line} 行嵌套太深或太长（{depth}）；这样 tera 会栈溢出或要算上几分钟：括号和 if/for/block/macro/filter 最多嵌套 {MAX_NESTING} 层，函数调用里套调用最多 {MAX_CALLS} 层，一个标签里的运算符最多 {MAX_TERMS} 个"
        ));
    }
    if let Some((name, line, cycle)) = include_cycle(&all) {
        anyhow::bail!(t!(
            "the template {name} (line {line}) includes, extends or imports itself through {cycle}, which never ends; remove one of these include, extends or import tags",
            "模板 {name}（第 {line} 行）经由 {cycle} 包含（include）、继承（extends）或导入（import）了自己，永远不会结束；请去掉其中一处",
            cycle = cycle.join(" → ")
        ));
    }
    // tera's parser recurses once per level of nesting: on a stack of its own, with room to
    // spare beyond what `too_deep` lets through; the walks over the parsed templates that
    // follow recurse as deep, so they run there too
    let added = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn_scoped(scope, || -> Result<()> {
                tera.add_raw_templates(all).context(t!(
                    "the theme's templates have an error; fix the template this names (under themes/NAME/templates/)",
                    "主题模板有错误，请改正其中指出的模板（在 themes/主题名/templates/ 下）"
                ))?;
                if let Some((template, cycle)) = endless_macro(&tera) {
                    anyhow::bail!(t!(
                        "in the template {template}, the macro {cycle} calls itself, which gongkai does not allow: a call too deep crashes the build; draw a tree from a flat list with each item's depth instead",
                        "模板 {template} 里，宏 {cycle} 调用了自己，gongkai 不允许这样做：调用层数太深会使生成崩溃；请改为遍历一个带层级（depth）的平铺列表来画树",
                        cycle = cycle.join(" → ")
                    ));
                }
                if let Some((name, t)) = tera
                    .get_template_names()
                    .filter_map(|n| Some((n, tera.get_template(n).ok()?)))
                    .filter(|(_, t)| t.parents.len() > MAX_EXTENDS)
                    .min_by_key(|(n, _)| *n)
                {
                    let chain = t.parents.len();
                    anyhow::bail!(t!(
                        "the template {name} extends a chain of {chain} templates; at most {MAX_EXTENDS}: tera's memory grows with the square of the chain (3,000 took 3.4 GB); extend fewer templates",
                        "模板 {name} 层层继承（extends）了 {chain} 个模板，最多 {MAX_EXTENDS} 个：tera 占用的内存随链长的平方增长（3000 个要 3.4 GB）；请减少继承层数"
                    ));
                }
                if let Some((name, first, second)) = one_name_two_files(&tera) {
                    anyhow::bail!(t!(
                        "the templates import two macro files under one name, `{name}`: {first} and {second}; tera can then take the one for the other and call it without end, which crashes the build; give each macro file a name of its own",
                        "模板用同一个名字 `{name}` 导入了两个宏文件：{first} 和 {second}；这样 tera 可能把两者弄混而无休止地调用下去，使生成崩溃；请给每个宏文件起不同的名字"
                    ));
                }
                if let Some(template) = too_deep_to_render(&tera) {
                    anyhow::bail!(t!(
                        "the template {template} goes more than {MAX_RENDER_DEPTH} levels deep when rendered, counting each if/for/block/filter and each macro it calls or template it includes with their own levels; tera would overflow its stack; flatten the chain of macros or includes",
                        "模板 {template} 渲染时嵌套超过 {MAX_RENDER_DEPTH} 层（if/for/block/filter 各算一层，调用的宏和包含的模板连同它们自己的层数一起算），tera 会栈溢出；请减少宏或 include 的层层调用"
                    ));
                }
                if let Some(template) = too_many_calls(&tera) {
                    anyhow::bail!(t!(
                        "a render of the template {template} calls macros and includes templates over {MAX_RENDER_CALLS} times, counting the calls each of them makes in turn; tera would take minutes and gigabytes; call each macro or template fewer times",
                        "渲染模板 {template} 时调用宏和包含模板超过 {MAX_RENDER_CALLS} 次（被调用者再调用的也算在内），tera 要花上几分钟和几个 GB 的内存；请减少对宏或模板的调用"
                    ));
                }
                Ok(())
            })
            .map(|thread| thread.join())
    });
    match added {
        Ok(Ok(result)) => result?,
        Ok(Err(_)) => anyhow::bail!(t!("reading the theme's templates failed", "读取主题模板时出错")),
        Err(e) => {
            return Err(e).context(t!("starting to read the theme's templates", "开始读取主题模板时出错"))
        }
    }
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::text::escape_html);
    tera.register_filter("date_zh", date_zh);
    tera.register_filter("keep_tail", keep_tail);
    // Tera's own `get_env` would print the build machine's environment (a CI secret, a home
    // folder) into public pages, and make two machines build two sites from one source
    tera.register_function("get_env", |_: &HashMap<String, Value>| -> tera::Result<Value> {
        Err(tera::Error::msg(t!(
            "a template may not read the build machine's environment (get_env): the same sources must give the same site on every machine; put the value in site.toml or a data file",
            "模板不能读取生成机器的环境变量（get_env）：同样的源文件在哪台机器上都要生成同样的网站；请把这个值写进 site.toml 或数据文件"
        )))
    });
    Ok(tera)
}

/// The deepest nesting a template may have, of brackets inside its tags and of its block tags:
/// far beyond any real theme, far below what overflows tera's parser (about 3,000 levels on
/// an 8 MB stack; found by a hostile review).
pub const MAX_NESTING: usize = 200;

/// The stack the templates are read on, and that each rendering thread gets (see `main`): a
/// chain of macros or includes a thousand long overflowed the default 2 MB.
pub const STACK: usize = 64 << 20;

/// Calls nested in calls (`range(end=range(end=…))`, a filter's argument with a filter of its
/// own): tera's parser takes about four times as long for each level (ten levels, 6 s).
pub const MAX_CALLS: usize = 6;

/// Templates one template may extend, one through another: a theme has two or three; a chain
/// of thousands, each block calling `super()`, took gigabytes and then aborted (found by a
/// hostile review).
pub const MAX_EXTENDS: usize = 50;

/// Operators in one tag (`1 + 1 + …`): tera evaluates such a chain one level deeper per term.
pub const MAX_TERMS: usize = 5_000;

/// Where a template nests deeper than [`MAX_NESTING`] or [`MAX_CALLS`], or chains more than
/// [`MAX_TERMS`]: its line, and how deep or long. Comments, `raw` blocks and quoted text are
/// not read (a hostile review found each refused, though tera reads none of them as code).
fn too_deep(text: &str) -> Option<(usize, usize)> {
    const OPEN: &[&str] = &["if", "for", "block", "macro", "filter"];
    let (mut blocks, mut line) = (0usize, 1usize);
    let mut rest = text;
    loop {
        // one scan to the next opening: a search for each kind went to the end of the text
        // for a kind it does not hold, once per tag (an 8 MB theme took minutes)
        let start = rest
            .match_indices('{')
            .map(|(i, _)| i)
            .find(|&i| matches!(rest.as_bytes().get(i + 1), Some(b'{' | b'%' | b'#')))?;
        line += rest[..start].matches('\n').count();
        let close = match &rest[start..start + 2] {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let mut end = rest[start + 2..].find(close).map_or(rest.len(), |e| start + 2 + e + 2);
        let tag = &rest[start..end];
        if close == "%}" {
            let word = tag[2..].trim_start_matches('-').split_whitespace().next().unwrap_or("");
            if word == "raw" {
                // to its endraw, read as text
                end = rest[end..].find("endraw").map_or(rest.len(), |e| end + e);
            } else if OPEN.contains(&word) {
                blocks += 1;
            } else if word.starts_with("end") {
                blocks = blocks.saturating_sub(1);
            }
        }
        if close != "#}" {
            let (deepest, calls, terms) = expression_shape(tag);
            if deepest.max(blocks) > MAX_NESTING {
                return Some((line, deepest.max(blocks)));
            }
            if calls > MAX_CALLS || terms > MAX_TERMS {
                return Some((line, calls.max(terms)));
            }
        }
        line += rest[start..end].matches('\n').count();
        rest = &rest[end..];
    }
}

/// The deepest brackets of a tag, the deepest calls in calls, and how many operators it has,
/// quoted text left out.
fn expression_shape(tag: &str) -> (usize, usize, usize) {
    let (mut brackets, mut deepest, mut calls, mut terms) = (Vec::new(), 0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in tag.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[') => {
                // a call: a name just before its bracket
                brackets.push(c == '(' && (previous.is_alphanumeric() || previous == '_'));
                deepest = deepest.max(brackets.len());
                calls = calls.max(brackets.iter().filter(|call| **call).count());
            }
            (None, ')' | ']') => {
                brackets.pop();
            }
            (None, '+' | '-' | '*' | '/' | '%' | '~') => terms += 1,
            _ => {}
        }
        if !c.is_whitespace() {
            previous = c;
        }
    }
    (deepest, calls, terms)
}

/// A macro that calls itself, directly or through others: tera has no limit on the depth of
/// macro calls, and one that does not stop (or stops too deep: a thousand levels) overflows
/// the stack and aborts the process with no message (found by two hostile reviews; a check
/// for calls outside `if` and `for` was got around with `{% if true %}`). So no circle of
/// macros is allowed at all: a tree is drawn from a flat list with each item's depth.
/// Returns the template and the circle of macros.
fn endless_macro(tera: &Tera) -> Option<(String, Vec<String>)> {
    use std::collections::BTreeMap;
    // each macro, as (template, name), with the macros it calls on every call
    let mut calls: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for name in tera.get_template_names() {
        let Ok(template) = tera.get_template(name) else { continue };
        for (macro_name, definition) in &template.macros {
            let mut called = Vec::new();
            macro_calls(&definition.body, &mut called);
            let resolved = called.into_iter().filter_map(|(namespace, callee)| {
                let file = match namespace.as_str() {
                    "self" => Some(template.name.clone()),
                    ns => template.imported_macro_files.iter().find(|(_, n)| n == ns).map(|(f, _)| f.clone()),
                };
                Some((file?, callee))
            });
            calls.insert((template.name.clone(), macro_name.clone()), resolved.collect());
        }
    }
    // a depth-first walk from each macro in turn, in a fixed order so the same circle is named;
    // `on` holds the macros of `path`, so that a chain of 100,000 is not searched at each step
    type Key = (String, String);
    fn walk(
        at: &Key,
        calls: &BTreeMap<Key, Vec<Key>>,
        path: &mut Vec<Key>,
        on: &mut std::collections::HashSet<Key>,
        done: &mut std::collections::BTreeSet<Key>,
    ) -> Option<Vec<Key>> {
        if on.contains(at) {
            let start = path.iter().position(|p| p == at)?;
            let mut circle = path[start..].to_vec();
            circle.push(at.clone());
            return Some(circle);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.clone());
        on.insert(at.clone());
        for next in calls.get(at).into_iter().flatten() {
            if let Some(circle) = walk(next, calls, path, on, done) {
                return Some(circle);
            }
        }
        path.pop();
        on.remove(at);
        done.insert(at.clone());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    for start in calls.keys() {
        if let Some(circle) = walk(start, &calls, &mut Vec::new(), &mut Default::default(), &mut done) {
            let template = circle[0].0.clone();
            return Some((template, circle.into_iter().map(|(_, name)| name).collect()));
        }
    }
    None
}

/// A name under which two templates import two different macro files, with the two (as
/// "template imports file"). Tera looks a macro's namespace up in the template being rendered
/// as well as in the macro's own file: with `n` for `b.html` in one file and `n` for `c.html`
/// in another, a call of `n::m()` inside a block ran into itself until the stack overflowed
/// (found by a hostile review), though each file alone is a finite chain.
fn one_name_two_files(tera: &Tera) -> Option<(String, String, String)> {
    let mut seen: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    for name in names {
        let Ok(template) = tera.get_template(name) else { continue };
        for (file, namespace) in &template.imported_macro_files {
            match seen.get(namespace.as_str()) {
                Some((other, first)) if *other != file.as_str() => {
                    let said = |t: &str, f: &str| t!("{t} imports {f}", "{t} 导入 {f}");
                    return Some((namespace.clone(), said(first, other), said(name, file)));
                }
                Some(_) => {}
                None => {
                    seen.insert(namespace, (file, name));
                }
            }
        }
    }
    None
}

/// How deep a render may go, in levels of if/for/block/filter, macro calls and includes
/// along every chain of them. A chain of a thousand macros each a hundred levels deep
/// overflowed even the 64 MB stack of a rendering thread (found by a hostile review); thirty
/// thousand levels still rendered, so this leaves a wide margin, and no real theme comes near.
pub const MAX_RENDER_DEPTH: usize = 5_000;

/// Macro calls and includes one render may make, each counted with the calls it makes in turn
/// (once per place it is written: a loop is not counted over): forty files each calling the
/// next twice make 2^40, and ran until killed (found by a hostile review).
pub const MAX_RENDER_CALLS: u64 = 100_000;

/// The first template (by name) whose render makes more than [`MAX_RENDER_CALLS`] calls. Runs
/// after [`too_deep_to_render`] has bounded every chain, so its walk is bounded too.
fn too_many_calls(tera: &Tera) -> Option<String> {
    struct Calls<'a> {
        tera: &'a Tera,
        known: HashMap<(String, String), u64>,
    }
    impl Calls<'_> {
        fn template(&mut self, name: &str) -> u64 {
            let key = (name.to_string(), String::new());
            if let Some(&n) = self.known.get(&key) {
                return n;
            }
            let Ok(template) = self.tera.get_template(name) else { return 0 };
            // a circle was refused before this runs; one met anyway counts as too many
            self.known.insert(key.clone(), u64::MAX);
            let parent = template.parent.as_deref().map_or(0, |p| self.template(p));
            let n = parent.saturating_add(self.nodes(&template.ast, template));
            self.known.insert(key, n);
            n
        }

        fn nodes(&mut self, nodes: &[tera::ast::Node], template: &tera::Template) -> u64 {
            let mut n: u64 = 0;
            for part in nodes.iter().flat_map(parts) {
                let more = match part {
                    Part::Expr(e) => self.expr(e, template),
                    Part::Body(body) => self.nodes(body, template),
                    Part::Include(names) => names
                        .iter()
                        .fold(0u64, |m, name| m.saturating_add(1).saturating_add(self.template(name))),
                };
                n = n.saturating_add(more);
            }
            n
        }

        fn expr(&mut self, e: &tera::ast::Expr, template: &tera::Template) -> u64 {
            let mut calls = Vec::new();
            expr_calls(e, &mut calls);
            let mut n: u64 = 0;
            for (namespace, name) in calls {
                n = n.saturating_add(1);
                let Some((defined, definition)) = called_macro(self.tera, template, &namespace, &name) else {
                    continue;
                };
                let key = (defined.name.clone(), name);
                let inner = match self.known.get(&key) {
                    Some(&m) => m,
                    None => {
                        // a circle was refused before this runs; one met anyway counts as too many
                        self.known.insert(key.clone(), u64::MAX);
                        let m = self.nodes(&definition.body, defined);
                        self.known.insert(key, m);
                        m
                    }
                };
                n = n.saturating_add(inner);
            }
            n
        }
    }
    let mut calls = Calls { tera, known: HashMap::new() };
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    names.into_iter().find(|name| calls.template(name) > MAX_RENDER_CALLS).map(str::to_string)
}

/// The first template (by name) whose render can go deeper than [`MAX_RENDER_DEPTH`].
/// Circles of macros and includes are refused before this runs; a circle met anyway counts
/// as too deep.
fn too_deep_to_render(tera: &Tera) -> Option<String> {
    let mut depths = Depths { tera, known: HashMap::new(), open: std::collections::HashSet::new() };
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    names.into_iter().find(|name| depths.template(name, 0).is_err()).map(str::to_string)
}

/// What [`too_deep_to_render`] walks with: the levels a template or macro adds, once known,
/// by (template, macro name or ""), and the ones being walked. Each walk carries the level it
/// starts at and stops once past the limit, so that the walk itself never goes deeper than
/// [`MAX_RENDER_DEPTH`] levels.
struct Depths<'a> {
    tera: &'a Tera,
    known: HashMap<(String, String), usize>,
    open: std::collections::HashSet<(String, String)>,
}

/// Past [`MAX_RENDER_DEPTH`].
struct TooDeep;

type Level = std::result::Result<usize, TooDeep>;

impl Depths<'_> {
    /// The deepest level the render of template `name` reaches, starting at level `at`: its
    /// parent's levels, then its own (a block it overrides stands where the parent's block
    /// stood, counted here on top of all of the parent's levels: never less than the truth).
    fn template(&mut self, name: &str, at: usize) -> Level {
        let key = (name.to_string(), String::new());
        let Ok(template) = self.tera.get_template(name) else { return Ok(at) };
        self.cached(key, at, |this, at| {
            let at = match &template.parent {
                Some(parent) => this.template(parent, at)?,
                None => at,
            };
            this.nodes(&template.ast, template, at)
        })
    }

    fn cached(
        &mut self,
        key: (String, String),
        at: usize,
        walk: impl FnOnce(&mut Self, usize) -> Level,
    ) -> Level {
        if let Some(levels) = self.known.get(&key) {
            return within(at + levels);
        }
        if !self.open.insert(key.clone()) {
            return Err(TooDeep);
        }
        let deepest = walk(self, at)?;
        self.open.remove(&key);
        self.known.insert(key, deepest - at);
        Ok(deepest)
    }

    fn nodes(&mut self, nodes: &[tera::ast::Node], template: &tera::Template, at: usize) -> Level {
        let mut deepest = within(at)?;
        for part in nodes.iter().flat_map(parts) {
            let reached = match part {
                Part::Expr(e) => self.expr(e, template, at)?,
                Part::Body(body) => self.nodes(body, template, at + 1)?,
                Part::Include(names) => {
                    let mut d = at;
                    for name in names {
                        d = d.max(self.template(name, at + 1)?);
                    }
                    d
                }
            };
            deepest = deepest.max(reached);
        }
        Ok(deepest)
    }

    fn expr(&mut self, e: &tera::ast::Expr, template: &tera::Template, at: usize) -> Level {
        let mut calls = Vec::new();
        expr_calls(e, &mut calls);
        let mut deepest = at;
        for (namespace, name) in calls {
            let Some((defined, definition)) = called_macro(self.tera, template, &namespace, &name) else {
                continue;
            };
            let key = (defined.name.clone(), name);
            let reached = self.cached(key, at + 1, |this, at| this.nodes(&definition.body, defined, at))?;
            deepest = deepest.max(reached);
        }
        Ok(deepest)
    }
}

fn within(level: usize) -> Level {
    if level > MAX_RENDER_DEPTH {
        Err(TooDeep)
    } else {
        Ok(level)
    }
}

/// What a node holds that a render goes into: the expressions it evaluates at its own level,
/// the bodies it renders one level down (an `if`'s branches, a loop's body, a block, a filter
/// section), and the templates it includes. The walks over the parsed templates (macro calls,
/// depth, call counts) all read the tree through this.
enum Part<'a> {
    Expr(&'a tera::ast::Expr),
    Body(&'a [tera::ast::Node]),
    Include(&'a [String]),
}

fn parts(node: &tera::ast::Node) -> Vec<Part<'_>> {
    use tera::ast::Node;
    match node {
        Node::VariableBlock(_, e) => vec![Part::Expr(e)],
        Node::Set(_, set) => vec![Part::Expr(&set.value)],
        Node::FilterSection(_, section, _) => {
            section.filter.args.values().map(Part::Expr).chain([Part::Body(&section.body)]).collect()
        }
        Node::Block(_, block, _) => vec![Part::Body(&block.body)],
        Node::Forloop(_, forloop, _) => vec![
            Part::Expr(&forloop.container),
            Part::Body(&forloop.body),
            Part::Body(forloop.empty_body.as_deref().unwrap_or_default()),
        ],
        Node::If(branches, _) => {
            let mut out: Vec<Part> = branches
                .conditions
                .iter()
                .flat_map(|(_, c, body)| [Part::Expr(c), Part::Body(body)])
                .collect();
            out.extend(branches.otherwise.as_ref().map(|(_, body)| Part::Body(body)));
            out
        }
        Node::Include(_, names, _) => vec![Part::Include(names)],
        _ => Vec::new(),
    }
}

/// The template that defines the macro `namespace::name` called in `template`, and its
/// definition: `self::` is the file the call is written in; an imported name is looked up in
/// `template` and the ones it extends.
fn called_macro<'t>(
    tera: &'t Tera,
    template: &tera::Template,
    namespace: &str,
    name: &str,
) -> Option<(&'t tera::Template, &'t tera::ast::MacroDefinition)> {
    let file = match namespace {
        "self" => template.name.clone(),
        ns => std::iter::once(template.name.as_str())
            .chain(template.parents.iter().map(String::as_str))
            .filter_map(|t| tera.get_template(t).ok())
            .find_map(|t| t.imported_macro_files.iter().find(|(_, n)| n == ns).map(|(f, _)| f.clone()))?,
    };
    let defined = tera.get_template(&file).ok()?;
    Some((defined, defined.macros.get(name)?))
}

/// Every macro call in `nodes`, however deep in `if`, `for`, blocks and filter sections.
fn macro_calls(nodes: &[tera::ast::Node], out: &mut Vec<(String, String)>) {
    for part in nodes.iter().flat_map(parts) {
        match part {
            Part::Expr(e) => expr_calls(e, out),
            Part::Body(body) => macro_calls(body, out),
            Part::Include(_) => {}
        }
    }
}

fn expr_calls(e: &tera::ast::Expr, out: &mut Vec<(String, String)>) {
    value_calls(&e.val, out);
    for filter in &e.filters {
        filter.args.values().for_each(|a| expr_calls(a, out));
    }
}

fn value_calls(v: &tera::ast::ExprVal, out: &mut Vec<(String, String)>) {
    use tera::ast::ExprVal;
    match v {
        ExprVal::MacroCall(call) => {
            out.push((call.namespace.clone(), call.name.clone()));
            call.args.values().for_each(|a| expr_calls(a, out));
        }
        ExprVal::Math(m) => {
            expr_calls(&m.lhs, out);
            expr_calls(&m.rhs, out);
        }
        ExprVal::Logic(l) => {
            expr_calls(&l.lhs, out);
            expr_calls(&l.rhs, out);
        }
        ExprVal::In(i) => {
            expr_calls(&i.lhs, out);
            expr_calls(&i.rhs, out);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| expr_calls(a, out)),
        ExprVal::FunctionCall(f) => f.args.values().for_each(|a| expr_calls(a, out)),
        ExprVal::Array(items) => items.iter().for_each(|a| expr_calls(a, out)),
        ExprVal::StringConcat(c) => c.values.iter().for_each(|v| value_calls(v, out)),
        _ => {}
    }
}

/// The names of the templates in `overrides` that differ from the built-in ones of that name
/// (a copied, unchanged built-in theme is no theme of one's own).
pub fn own(overrides: &[(String, String)]) -> Vec<String> {
    overrides
        .iter()
        .filter(|(name, text)| !TEMPLATES.iter().any(|(n, t)| n == name && t == text))
        .map(|(name, _)| name.clone())
        .collect()
}

/// The first circle of `include`, `extends` and `import` among the templates (the site's
/// overriding the built-in ones): where it starts (template, line) and the names around it.
/// Tera follows such a circle until the stack overflows, so it is refused before rendering.
fn include_cycle(templates: &[(&str, &str)]) -> Option<(String, usize, Vec<String>)> {
    let mut uses: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
    for (name, text) in templates {
        // a later entry (the site's) replaces an earlier one (the built-in) of the same name
        uses.insert(name, references(text));
    }
    fn walk<'a>(
        name: &'a str,
        uses: &'a BTreeMap<&str, Vec<(String, usize)>>,
        path: &mut Vec<(&'a str, usize)>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<(String, usize, Vec<String>)> {
        if let Some(start) = path.iter().position(|(n, _)| *n == name) {
            let (first, line) = path[start];
            let mut cycle: Vec<String> = path[start..].iter().map(|(n, _)| n.to_string()).collect();
            cycle.push(name.to_string());
            return Some((first.to_string(), line, cycle));
        }
        if !done.insert(name) {
            return None;
        }
        for (target, line) in uses.get(name).into_iter().flatten() {
            let Some((key, _)) = uses.get_key_value(target.as_str()) else { continue };
            path.push((name, *line));
            let found = walk(key, uses, path, done);
            path.pop();
            if found.is_some() {
                return found;
            }
        }
        None
    }
    let mut done = std::collections::BTreeSet::new();
    uses.keys().find_map(|name| walk(name, &uses, &mut Vec::new(), &mut done))
}

/// The templates a template names in `{% include %}`, `{% extends %}` and `{% import %}` tags,
/// with the line of each.
fn references(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{%") {
        let Some(len) = rest[start..].find("%}") else { break };
        let tag = rest[start + 2..start + len].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if ["include", "extends", "import"].iter().any(|k| tag.starts_with(k)) {
            let line = 1 + text[..offset + start].matches('\n').count();
            // every quoted name: `{% include ["a.html", "b.html"] %}` names two
            out.extend(tag.split('"').skip(1).step_by(2).map(|n| (n.to_string(), line)));
        }
        offset += start + len + 2;
        rest = &rest[start + len + 2..];
    }
    out
}

/// Makes `load_data(path="NAME.csv")` available to templates, over this build's datasets.
pub fn register_data(tera: &mut Tera, data: &crate::data::Datasets) {
    tera.register_function("load_data", crate::data::template::load_data_function(data));
}

/// `{{ "2020-12-01" | date_zh }}` → 2020年12月1日.
fn date_zh(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = value.as_str().ok_or_else(|| {
        tera::Error::msg(t!(
            "date_zh takes a date such as \"2020-12-01\"",
            "date_zh 需要一个日期，如 \"2020-12-01\""
        ))
    })?;
    let d = crate::text::parse_date(s).map_err(|e| tera::Error::msg(e.to_string()))?;
    Ok(Value::String(crate::text::format_date_zh(d)))
}

/// `{{ page.title | keep_tail | safe }}`: the title escaped, its last two characters joined
/// so a line break never leaves one character alone on the title's last line (「开」).
fn keep_tail(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = value
        .as_str()
        .ok_or_else(|| tera::Error::msg(t!("keep_tail takes a string", "keep_tail 需要文字")))?;
    let split = s.char_indices().rev().nth(1).map_or(0, |(i, _)| i);
    let (head, tail) = s.split_at(split);
    let (head, tail) = (crate::text::escape_html(head), crate::text::escape_html(tail));
    Ok(Value::String(if tail.is_empty() {
        head
    } else {
        format!("{head}<span class=\"nobr\">{tail}</span>")
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_template_nested_too_deep_is_refused_at_its_line() {
        let load = |text: &str| {
            super::load(&[("x.html".to_string(), text.to_string())]).map(|_| ()).map_err(|e| e.to_string())
        };
        let deep = format!("a\nb\n{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
        let err = load(&deep).unwrap_err();
        assert!(err.contains("x.html") && err.contains("line 3") && err.contains("5000"), "{err}");
        let ifs = format!("{}x{}", "{% if true %}".repeat(300), "{% endif %}".repeat(300));
        let err = load(&ifs).unwrap_err();
        assert!(err.contains("201"), "{err}");
        // calls inside calls take tera's parser exponentially long; a long chain of operators
        // overflows its evaluation
        let calls = format!("{{{{ {}1{} }}}}", "range(end=".repeat(8), ")".repeat(8));
        assert!(load(&calls).unwrap_err().contains("x.html"));
        let chain = format!("{{{{ 1{} }}}}", " + 1".repeat(6000));
        assert!(load(&chain).unwrap_err().contains("x.html"));
        // what tera does not read as code is not counted: comments, raw blocks, quoted text
        let ifs = "{% if x %}".repeat(300);
        load(&format!("{{# {ifs} #}}ok")).unwrap();
        load(&format!("{{% raw %}}{ifs}{{% endraw %}}ok")).unwrap();
        load(&format!("{{{{ \"{}\" }}}}", "[(".repeat(300))).unwrap();
        // deep, but within bounds: read on a stack of its own
        load(&format!("{{{{ {}1{} }}}}", "(".repeat(150), ")".repeat(150))).unwrap();
        load(&format!("{}x{}", "{% if true %}".repeat(150), "{% endif %}".repeat(150))).unwrap();
    }

    #[test]
    fn a_macro_that_calls_itself_is_refused_however_the_call_is_hidden() {
        let load = |files: &[(&str, &str)]| {
            let files: Vec<(String, String)> =
                files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
            super::load(&files).map(|_| ()).map_err(|e| e.to_string())
        };
        let err =
            load(&[("page.html", "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}{{ self::f(n=1) }}")])
                .unwrap_err();
        assert!(err.contains("page.html") && err.contains("f → f"), "{err}");
        // two macros of an imported file, each calling the other inside a filter's argument
        let err = load(&[
            ("m.html", "{% macro a() %}{{ 1 | round(precision=self::b()) }}{% endmacro a %}{% macro b() %}x{{ self::a() }}{% endmacro b %}"),
            ("page.html", "{% import \"m.html\" as m %}{{ m::a() }}"),
        ])
        .unwrap_err();
        assert!(err.contains("m.html") && err.contains("a → b → a"), "{err}");
        // under a condition that is always true, in a loop, in an `and`, in an else: each was a
        // way around a check of the calls outside `if` and `for` (a hostile review)
        for body in [
            "{% if true %}{{ self::f(n=n) }}{% endif %}",
            "{% if false %}x{% else %}{{ self::f(n=n) }}{% endif %}",
            "{% for i in [1] %}{{ self::f(n=n) }}{% endfor %}",
            "{% if self::f(n=n) %}a{% endif %}",
            "{{ true and self::f(n=n) }}",
            "{% if n < 3 %}{{ self::f(n=n + 1) }}{% endif %}",
        ] {
            let page = format!("{{% macro f(n) %}}{body}{{% endmacro f %}}{{{{ self::f(n=1) }}}}");
            let err = load(&[("page.html", &page)]).unwrap_err();
            assert!(err.contains("f → f"), "{body}: {err}");
        }
        // macros that call other macros are fine, and so are the built-in templates
        load(&[(
            "page.html",
            "{% macro a() %}{{ self::b() }}{% endmacro a %}{% macro b() %}b{% endmacro b %}{{ self::a() }}",
        )])
        .unwrap();
        load(&[]).unwrap();
    }

    #[test]
    fn templates_that_include_one_another_in_a_circle_are_refused() {
        let own = |name: &str, text: &str| vec![(name.to_string(), text.to_string())];
        let e = super::load(&own(
            "shortcodes/chart.html",
            "<figure>{% include \"shortcodes/chart.html\" %}</figure>",
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("shortcodes/chart.html → shortcodes/chart.html"), "{e}");
        let two = [
            ("a.html".to_string(), "x\n{%- include \"b.html\" -%}".to_string()),
            ("b.html".to_string(), "{% include [\"none.html\", \"a.html\"] %}".to_string()),
        ];
        let e = super::load(&two).unwrap_err().to_string();
        assert!(e.contains("a.html (line 2)") && e.contains("a.html → b.html → a.html"), "{e}");
        // the built-in theme has no circle, and an include of a missing template is tera's to say
        assert!(super::load(&[]).is_ok());
    }

    use super::*;

    #[test]
    fn a_chain_of_macros_or_includes_too_deep_to_render_is_refused() {
        let load = |files: Vec<(String, String)>| super::load(&files).map(|_| ()).map_err(|e| e.to_string());
        let nested = |levels: usize, inner: &str| {
            format!("{}{inner}{}", "{% if true %}".repeat(levels), "{% endif %}".repeat(levels))
        };
        // `links` macros, each `levels` deep around a call of the next
        let macros = |links: usize, levels: usize| {
            let text: String = (0..links)
                .map(|i| {
                    let call =
                        if i + 1 < links { format!("{{{{ self::m{}() }}}}", i + 1) } else { "x".into() };
                    format!("{{% macro m{i}() %}}{}{{% endmacro m{i} %}}", nested(levels, &call))
                })
                .collect();
            vec![
                ("deep.html".to_string(), text),
                ("page.html".to_string(), "{% import \"deep.html\" as deep %}{{ deep::m0() }}".to_string()),
            ]
        };
        // each of `links` templates includes the next
        let includes = |links: usize, levels: usize| -> Vec<(String, String)> {
            (0..links)
                .map(|i| {
                    let next = if i + 1 < links {
                        format!("{{% include \"inc{}.html\" %}}", i + 1)
                    } else {
                        "x".into()
                    };
                    (format!("inc{i}.html"), nested(levels, &next))
                })
                .collect()
        };
        // every link within the nesting allowed in one template, the chain too deep as a whole
        for files in [macros(60, 100), includes(60, 100), macros(3000, 1)] {
            let err = load(files).unwrap_err();
            assert!(err.contains("5000"), "{err}");
        }
        load(macros(40, 100)).unwrap();
        load(includes(40, 100)).unwrap();
        load(macros(2000, 1)).unwrap();
    }

    #[test]
    fn one_name_for_two_macro_files_is_refused() {
        let file = |n: &str, t: &str| (n.to_string(), t.to_string());
        let chain = |second: &str| {
            vec![
                file("page.html", "{% import \"a.html\" as t %}{% block main %}{{ t::m() }}{% endblock main %}"),
                file("a.html", &format!("{{% import \"b.html\" as {second} %}}{{% macro m() %}}A{{{{ {second}::m() }}}}{{% endmacro m %}}")),
                file("b.html", "{% import \"c.html\" as n %}{% macro m() %}B{{ n::m() }}{% endmacro m %}"),
                file("c.html", "{% macro m() %}C{% endmacro m %}"),
            ]
        };
        let err = super::load(&chain("n")).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("`n`") && err.contains("b.html") && err.contains("c.html"), "{err}");
        super::load(&chain("other")).unwrap();
    }

    #[test]
    fn a_long_chain_of_extends_is_refused() {
        let chain = |n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| {
                    let parent = if i + 1 < n { format!("ex/{}.html", i + 1) } else { "base.html".into() };
                    let text = format!("{{% extends \"{parent}\" %}}{{% block main %}}E{{{{ super() }}}}{{% endblock main %}}");
                    (format!("ex/{i}.html"), text)
                })
                .collect()
        };
        let err = super::load(&chain(60)).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("ex/0.html") && err.contains("50"), "{err}");
        super::load(&chain(40)).unwrap();
    }

    #[test]
    fn calls_that_fan_out_past_the_budget_are_refused() {
        // each of `levels` files calls the next twice: 2^levels calls in all
        let fan = |levels: usize| -> Vec<(String, String)> {
            let mut files: Vec<(String, String)> = (0..levels)
                .map(|i| {
                    let next = i + 1;
                    let text = format!(
                        "{{% import \"f{next}.html\" as n{next} %}}{{% macro m() %}}{{{{ n{next}::m() }}}}{{{{ n{next}::m() }}}}{{% endmacro m %}}"
                    );
                    (format!("f{i}.html"), text)
                })
                .collect();
            files.push((format!("f{levels}.html"), "{% macro m() %}x{% endmacro m %}".into()));
            files.push(("page.html".into(), "{% import \"f0.html\" as e %}{{ e::m() }}".into()));
            files
        };
        let err = super::load(&fan(40)).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("100000"), "{err}");
        super::load(&fan(12)).unwrap();
        // and the same with includes
        let includes = |levels: usize| -> Vec<(String, String)> {
            (0..=levels)
                .map(|i| {
                    let text = match i == levels {
                        true => "x".to_string(),
                        false => format!(
                            "{{% include \"in{}.html\" %}}{{% include \"in{}.html\" %}}",
                            i + 1,
                            i + 1
                        ),
                    };
                    (format!("in{i}.html"), text)
                })
                .collect()
        };
        assert!(super::load(&includes(30)).is_err());
        super::load(&includes(10)).unwrap();
    }

    #[test]
    fn keep_tail_joins_the_last_two_characters() {
        let out = keep_tail(&Value::from("关于<某>的公示"), &HashMap::new()).unwrap();
        assert_eq!(out, Value::from("关于&lt;某&gt;的<span class=\"nobr\">公示</span>"));
        assert_eq!(
            keep_tail(&Value::from("公"), &HashMap::new()).unwrap(),
            Value::from("<span class=\"nobr\">公</span>")
        );
    }
}
