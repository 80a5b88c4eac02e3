//! Other crates' error texts in the process's language. The TOML parser, serde, the YAML parser
//! and the operating system write English; under Chinese their common messages are put into
//! Chinese here (the backticked tokens they quote stay as they are), and a message this module
//! does not know is kept whole, in backticks, after a Chinese sentence saying what failed, so
//! that nothing is lost and nothing is half translated.

use super::chinese;

/// A TOML parser or serde message (`invalid string\nexpected `"``, `missing field `title``).
pub fn toml_message(msg: &str) -> String {
    let msg = msg.trim();
    if chinese() {
        toml_zh(msg)
    } else {
        msg.to_string()
    }
}

fn toml_zh(msg: &str) -> String {
    let lines: Vec<String> = msg.lines().map(toml_line).collect();
    lines.join("；")
}

fn toml_line(line: &str) -> String {
    let line = line.trim();
    if let Some(what) = line.strip_prefix("invalid ").filter(|w| !w.contains(':') && !w.contains('`')) {
        return format!("{}写法有误", label(what));
    }
    if let Some(list) = line.strip_prefix("expected ") {
        return format!("此处应为 {}", list.split(", ").map(expected_token).collect::<Vec<_>>().join("、"));
    }
    if let Some(rest) = line.strip_prefix("duplicate key ") {
        return match rest.split_once(" in table ") {
            Some((key, table)) => format!("表 {table} 中的键 {key} 重复"),
            None => format!("键 {} 重复", rest.trim_end_matches(" in document root")),
        };
    }
    if line == "value is out of range" {
        return "数值超出范围".into();
    }
    if line == "recursion limit exceeded" {
        return "嵌套层数过多".into();
    }
    if line.starts_with("dotted key ") {
        let key = line.split('`').nth(1).unwrap_or("");
        return format!("带点号的键 `{key}` 与前面已写的值冲突");
    }
    serde_zh(line)
}

/// serde's standard messages, as toml and serde_json give them.
pub fn serde_message(line: &str) -> String {
    if chinese() {
        serde_zh(line)
    } else {
        line.to_string()
    }
}

fn serde_zh(line: &str) -> String {
    if let Some(field) = line.strip_prefix("missing field ") {
        return format!("缺少 {field}");
    }
    if let Some(field) = line.strip_prefix("duplicate field ") {
        return format!("{field} 写了两次");
    }
    if let Some(rest) = line.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let field = field.trim_end_matches(", there are no fields");
        return match expected {
            "" => format!("未知的键 {field}"),
            e => format!("未知的键 {field}，可用的键：{}", alternatives(e)),
        };
    }
    if let Some(rest) = line.strip_prefix("unknown variant ") {
        let (value, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let value = value.trim_end_matches(", there are no variants");
        return match expected {
            "" => format!("无法识别的值 {value}"),
            e => format!("无法识别的值 {value}，可用的值：{}", alternatives(e)),
        };
    }
    for (prefix, lead) in [("invalid type: ", "类型不对"), ("invalid value: ", "值不对")] {
        if let Some(rest) = line.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                return format!("{lead}：写的是{}，应为{}", unexpected(found), expected_kind(expected));
            }
        }
    }
    if let Some(rest) = line.strip_prefix("invalid length ") {
        if let Some((n, expected)) = rest.split_once(", expected ") {
            return format!("个数不对：有 {n} 个，应为{}", expected_kind(expected));
        }
    }
    unknown_zh(line)
}

/// A message this module cannot put into Chinese: kept whole, quoted.
pub fn unknown(line: &str) -> String {
    if chinese() {
        unknown_zh(line)
    } else {
        line.to_string()
    }
}

fn unknown_zh(line: &str) -> String {
    // the standard library's number parsing, which command-line values go through
    match line {
        "invalid digit found in string" => return "应是数字".into(),
        "number too large to fit in target type" => return "数字太大".into(),
        "number too small to fit in target type" => return "数字太小".into(),
        "cannot parse integer from empty string" => return "不能为空".into(),
        _ => {}
    }
    if line.is_ascii() && !line.is_empty() {
        format!("（原文：`{}`）", line.replace('`', "'"))
    } else {
        line.to_string()
    }
}

fn label(what: &str) -> String {
    match what {
        "string" | "basic string" | "literal string" => "字符串",
        "multiline basic string" | "multiline literal string" => "多行字符串",
        "key" => "键",
        "table header" => "表头（[…]）",
        "array" => "列表（[…]）",
        "inline table" => "内联表（{…}）",
        "integer" | "binary integer" | "octal integer" | "hexadecimal integer" => "整数",
        "floating-point number" => "小数",
        "date-time" => "日期时间",
        "time" | "time offset" => "时间",
        "escape sequence" => "转义字符（\\…）",
        "unicode 4-digit hex code" | "unicode 8-digit hex code" => "Unicode 转义（\\u…）",
        other => return format!("`{other}`"),
    }
    .to_string()
}

fn expected_token(token: &str) -> String {
    match token {
        "newline" => "换行".into(),
        "digit" => "数字".into(),
        "leading digit" => "以数字开头的值".into(),
        t if t.starts_with('`') || t.starts_with('\'') => t.to_string(),
        t => format!("`{t}`"),
    }
}

/// serde's `Unexpected` as written: `string "x"`, `integer `3``, `sequence`.
fn unexpected(found: &str) -> String {
    let (kind, value) = found.split_once(' ').unwrap_or((found, ""));
    let kind_zh = match kind {
        "boolean" => "布尔值",
        "integer" => "整数",
        "floating" => "小数",
        "character" => "字符",
        "string" => "文字",
        "sequence" => "列表",
        "map" => "表",
        "unit" | "Option" => "空值",
        _ => return format!("`{found}`"),
    };
    let value = value.trim_start_matches("point ").trim_start_matches("value");
    if value.is_empty() {
        kind_zh.to_string()
    } else {
        format!("{kind_zh} {value}")
    }
}

/// serde's `Expected` of the common types.
fn expected_kind(expected: &str) -> String {
    match expected {
        "a string" | "a borrowed string" | "string" => "带引号的文字".into(),
        "a sequence" | "a list" => "列表（[…]）".into(),
        "a boolean" | "bool" => "true 或 false".into(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" | "an integer" => {
            "整数".into()
        }
        "f32" | "f64" | "a number" => "数字".into(),
        "a map" | "a table" => "表".into(),
        e if e.starts_with("struct ") => "表".into(),
        e if e.starts_with("a date") => "日期（如 2024-10-01）".into(),
        e => format!("`{}`", e.replace('`', "")),
    }
}

/// serde's list of alternatives: `` `a`, `b` `` or `` `a` or `b` `` or `one of `a`, `b``.
fn alternatives(e: &str) -> String {
    e.trim_start_matches("one of ").replace(" or ", "、").replace(", ", "、")
}

/// A template error of tera's, in Chinese: the template and the name it could not find are
/// kept as they are.
pub(super) fn tera_zh(e: &tera::Error) -> String {
    use tera::ErrorKind as K;
    match &e.kind {
        K::MissingParent { current, parent } => {
            format!("模板 `{current}` 继承的 `{parent}` 不存在（文件名写错了，或没有放进主题的 templates/）")
        }
        // an include of several names is shown as a list: `[a.html, b.html]`
        K::TemplateNotFound(name) => {
            format!("找不到模板 `{}`", name.trim_start_matches('[').trim_end_matches(']'))
        }
        K::CircularExtend { tpl, .. } => format!("模板 `{tpl}` 的继承关系绕成了圈"),
        K::FilterNotFound(name) => format!("没有过滤器 `{name}`"),
        K::TestNotFound(name) => format!("没有测试 `{name}`"),
        K::FunctionNotFound(name) => format!("没有函数 `{name}`"),
        K::InvalidMacroDefinition(name) => format!("宏 `{name}` 定义的位置不对"),
        K::CallFunction(name) => format!("调用函数 `{name}` 时出错"),
        K::CallFilter(name) => format!("使用过滤器 `{name}` 时出错"),
        K::CallTest(name) => format!("使用测试 `{name}` 时出错"),
        K::Msg(msg) => {
            if let Some(name) = msg.strip_prefix("Failed to parse ") {
                return format!("无法解析模板 `{}`", name.trim_matches(['"', '\'']));
            }
            if let Some(name) = msg.strip_prefix("Failed to render ") {
                return format!("生成模板 `{}` 时出错", name.trim_matches(['"', '\'']));
            }
            if let Some(zh) = tera_call_zh(msg) {
                return zh;
            }
            if let Some(rest) = msg.strip_prefix("Variable `") {
                if let Some((var, rest)) = rest.split_once('`') {
                    let name = rest.rsplit(' ').next().unwrap_or("").trim_matches(['"', '\'']);
                    return format!("生成 `{name}` 时找不到变量 `{var}`");
                }
            }
            unknown_zh(msg)
        }
        _ => unknown_zh(&e.to_string()),
    }
}

/// Tera's messages for a filter, test or function given the wrong value, and for a macro
/// namespace not imported: what a theme's author meets most.
fn tera_call_zh(msg: &str) -> Option<String> {
    let quoted = |s: &str| s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).unwrap_or(s).to_string();
    // Filter 'round' was called on an incorrect value: got '"a"' but expected a f64
    // Filter 'truncate' received an incorrect type for arg 'length': got '"x"' but expected a usize
    for what in ["Filter", "Test", "Function"] {
        let Some(rest) = msg.strip_prefix(what).and_then(|r| r.strip_prefix(" '")) else { continue };
        let (name, rest) = rest.split_once('\'')?;
        let (problem, got) = rest.split_once(": got ")?;
        let (value, expected) = got.rsplit_once(" but expected ")?;
        let kind = match what {
            "Filter" => "过滤器",
            "Test" => "测试",
            _ => "函数",
        };
        // serde's names first (`a string`, `a map`), then tera's (`a f64`, `a usize`)
        let expected = match expected_kind(expected.trim()) {
            named if !named.starts_with('`') => named,
            _ => expected_kind(expected.trim().trim_start_matches("a ").trim_start_matches("an ")),
        };
        let value = quoted(value);
        return Some(match problem.split_once("for arg '") {
            Some((_, arg)) => {
                let arg = arg.trim_end_matches('\'');
                format!("{kind} `{name}` 的参数 `{arg}` 类型不对：写的是 {value}，应为{expected}")
            }
            None => format!("{kind} `{name}` 用在了不合适的值上：得到 {value}，应为{expected}"),
        });
    }
    // Macro namespace 'self' was not found in template '404.html'. Have you maybe forgotten …
    let rest = msg.strip_prefix("Macro namespace '")?;
    let (namespace, rest) = rest.split_once('\'')?;
    let template = rest.split('\'').nth(1).unwrap_or("");
    Some(format!(
        "模板 `{template}` 里没有宏命名空间 `{namespace}`（忘了 {{% import \"….html\" as {namespace} %}}，或名字写错了）"
    ))
}

/// An operating system error in a sentence.
pub fn io_error(e: &std::io::Error) -> String {
    if chinese() {
        io_zh(e)
    } else {
        e.to_string()
    }
}

fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => "找不到该文件或文件夹",
        K::PermissionDenied => "没有权限（请检查文件夹的读写权限）",
        K::AlreadyExists => "已经存在",
        K::InvalidData => "内容无法读取（可能不是 UTF-8 文本或文件已损坏）",
        K::UnexpectedEof => "文件不完整（提前结束）",
        K::AddrInUse => "端口已被占用（请换一个 --port）",
        K::AddrNotAvailable => "本机没有这个地址（请检查 --bind）",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "这不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        K::TimedOut => "等待超时",
        K::Interrupted => "被中断",
        K::InvalidInput => "参数无效",
        _ => return unknown_zh(&e.to_string()),
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn english_messages_pass_through_unchanged() {
        assert_eq!(super::toml_message("invalid string\nexpected `\"`"), "invalid string\nexpected `\"`");
        assert_eq!(super::serde_message("missing field `title`"), "missing field `title`");
    }

    #[test]
    fn tera_s_common_template_messages_in_chinese() {
        assert_eq!(
            super::tera_call_zh(
                "Filter 'round' was called on an incorrect value: got '\"a\"' but expected a f64"
            )
            .as_deref(),
            Some("过滤器 `round` 用在了不合适的值上：得到 \"a\"，应为数字")
        );
        assert_eq!(
            super::tera_call_zh(
                "Filter 'truncate' received an incorrect type for arg 'length': got '\"x\"' but expected a usize"
            )
            .as_deref(),
            Some("过滤器 `truncate` 的参数 `length` 类型不对：写的是 \"x\"，应为整数")
        );
        let namespace = super::tera_call_zh(
            "Macro namespace 'self' was not found in template '404.html'. Have you maybe forgotten to import it, or misspelled it?",
        )
        .unwrap();
        assert!(namespace.starts_with("模板 `404.html` 里没有宏命名空间 `self`"), "{namespace}");
        assert_eq!(super::tera_call_zh("Filter round failed"), None);
    }

    #[test]
    fn chinese_for_the_common_messages() {
        assert_eq!(
            super::toml_zh("invalid string\nexpected `\"`, `'`"),
            "字符串写法有误；此处应为 `\"`、`'`"
        );
        assert_eq!(super::toml_zh("expected newline, `#`"), "此处应为 换行、`#`");
        assert_eq!(super::toml_zh("duplicate key `title` in document root"), "键 `title` 重复");
        assert_eq!(super::serde_zh("missing field `title`"), "缺少 `title`");
        assert_eq!(
            super::serde_zh("invalid type: integer `3`, expected a string"),
            "类型不对：写的是整数 `3`，应为带引号的文字"
        );
        assert_eq!(
            super::serde_zh("unknown variant `weekly`, expected one of `month`, `quarter`, `year`"),
            "无法识别的值 `weekly`，可用的值：`month`、`quarter`、`year`"
        );
        assert_eq!(
            super::unknown_zh("stream did not contain valid UTF-8"),
            "（原文：`stream did not contain valid UTF-8`）"
        );
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(super::io_zh(&e), "找不到该文件或文件夹");
    }
}
