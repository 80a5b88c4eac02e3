//! Command-line help and argument errors in Chinese or English, by locale (`LANG=zh_CN.UTF-8`
//! gives Chinese; the library's `locale::from_env` decides). The English text is the doc
//! comments in main.rs and clap's own; this file holds the Chinese, the examples for both, and
//! the Chinese form of clap's parse errors, which clap writes in English only.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use std::process::ExitCode;

/// (subcommand path, Chinese summary, Chinese example, English example)
const COMMANDS: &[(&str, &str, &str, &str)] = &[
    (
        "build",
        "生成网站，写入 public/（失败时保留原有网站不变）",
        "示例：gongkai build --as-of 2024-10-01",
        "Example: gongkai build --as-of 2024-10-01",
    ),
    (
        "check",
        "检查内容（不写入网站）：格式、链接、个人信息等",
        "示例：gongkai check --format json",
        "Example: gongkai check --format json",
    ),
    (
        "serve",
        "本地预览：生成、提供网页并在修改后自动刷新浏览器",
        "示例：gongkai serve --port 1111",
        "Example: gongkai serve --port 1111",
    ),
    (
        "new",
        "新建一篇内容（经验交流 case、党务公开 disclosure、年度巡礼 review）",
        "示例：gongkai new case \"三会一课固定日\"",
        "Example: gongkai new case \"三会一课固定日\"",
    ),
    (
        "init",
        "新建一个网站文件夹，含示例内容、统计数据和图表示例、.gitignore（默认主题内置，--eject-theme 复制出来修改）",
        "示例：gongkai init mysite && cd mysite && gongkai serve",
        "Example: gongkai init mysite && cd mysite && gongkai serve",
    ),
    (
        "release",
        "发布一个不可更改的版本：保存源文件、生成结果和清单到 releases/",
        "示例：gongkai release 2024 --note \"2024年度公开\"",
        "Example: gongkai release 2024 --note \"2024年度公开\"",
    ),
    (
        "verify",
        "按清单核对已部署的网站文件夹（给出公钥时同时核验签名）",
        "示例：gongkai verify public/ --pubkey release.pub",
        "Example: gongkai verify public/ --pubkey release.pub",
    ),
    (
        "merge",
        "把分份生成（build --shard K/N）的各个文件夹合并为完整网站，并核对每份是否齐全、未被改动",
        "示例：gongkai merge shards/1-of-4 shards/2-of-4 shards/3-of-4 shards/4-of-4",
        "Example: gongkai merge shards/1-of-4 shards/2-of-4 shards/3-of-4 shards/4-of-4",
    ),
    (
        "keygen",
        "生成用于签署版本的密钥对：release.key（保密）与 release.pub（公开）",
        "示例：gongkai keygen keys/",
        "Example: gongkai keygen keys/",
    ),
    (
        "report",
        "列出未按要求公开或逾期公开的组织、类别和期间（有未公开事项时退出码为 1）",
        "示例：gongkai report --as-of 2024-11-01 --org 某镇党委 --format csv > 未公开.csv",
        "Example: gongkai report --as-of 2024-11-01 --org 某镇党委 --format csv > missing.csv",
    ),
    (
        "import",
        "导入",
        "示例：gongkai import bulletin 通报.txt --region 山西省",
        "Example: gongkai import bulletin bulletin.txt --region 山西省",
    ),
    (
        "import bulletin",
        "把经验交流通报（[发布者]…[亮点]…[举措]…点评：）导入为案例",
        "示例：gongkai import bulletin 通报.txt --date 2015-06-01 --tag 党员发展",
        "Example: gongkai import bulletin bulletin.txt --date 2015-06-01 --tag 党员发展",
    ),
    (
        "import docx",
        "把 Word 文档（.docx）导入为经验交流、党务公开或年度巡礼，图片存入 static/images/",
        "示例：gongkai import docx 经验材料.docx --kind case --tag 积分管理",
        "Example: gongkai import docx write-up.docx --kind case --tag 积分管理",
    ),
    (
        "export",
        "导出",
        "示例：gongkai export bulletin --tag 党员发展 > 通报.txt",
        "Example: gongkai export bulletin --tag 党员发展 > bulletin.txt",
    ),
    (
        "export bulletin",
        "把案例导出为经验交流通报文本",
        "示例：gongkai export bulletin --tag 党员发展 > 通报.txt",
        "Example: gongkai export bulletin --tag 党员发展 > bulletin.txt",
    ),
];

/// (argument id, Chinese help), shared by every subcommand that has the argument.
const ARGS: &[(&str, &str)] = &[
    ("root", "网站根目录（含 site.toml、content/、data/、themes/）"),
    ("out", "输出目录（默认为根目录下的 public/）"),
    ("as_of", "以此日期为准判断公示状态，按“年-月-日”写，如 2024-10-01（默认：内容中最新的日期）"),
    ("audience", "阅读范围：public 对外公开（默认），party 党内版（含党内公开事项）"),
    ("format", "报告格式：text 或 json（report 为 table、csv 或 json）"),
    ("org", "只看此组织及其下级"),
    ("mask", "把身份证号、手机号、银行卡号就地改为遮盖形式"),
    ("port", "端口"),
    ("bind", "监听地址（默认只对本机开放）"),
    ("kind", "内容类型：case 经验交流、disclosure 党务公开、review 年度巡礼、page 页面"),
    ("title", "标题"),
    ("date", "日期，按“年-月-日”写，如 2024-10-01"),
    ("dir", "新网站的文件夹"),
    ("eject_theme", "把默认主题复制到 themes/default/ 以便修改（默认使用内置主题）"),
    ("files", "通报文本文件（UTF-8、带 BOM 的 UTF-8 或 GB18030）"),
    ("into", "案例写入的目录"),
    ("region", "地区路径，如 山西省/临汾市"),
    ("tags", "标签（可重复）"),
    ("dry_run", "只显示将写入的内容，不写文件"),
    ("force", "覆盖导入后被编辑过的文件"),
    ("version", "版本号，如 2024"),
    ("note", "版本说明，如 2024年度公开"),
    ("key", "保存签名私钥（十六进制）的文件"),
    ("pubkey", "用于核验签名的公钥（十六进制，或保存公钥的文件）"),
    ("clean", "不使用构建缓存（.gongkai-cache/build/），全部页面重新生成"),
    ("shard", "只生成第 K 份（共 N 份，写作 K/N）到单独的文件夹（默认 shards/K-of-N/），供 gongkai merge 合并；auto 表示从作业系统（GitLab CI、Slurm、Kubernetes）读取"),
    ("shards", "各份的文件夹（须齐全）"),
];

/// Argument help that differs by subcommand: (subcommand path, argument id, Chinese help).
const COMMAND_ARGS: &[(&str, &str, &str)] = &[
    ("import docx", "files", "Word 文档（.docx）"),
    ("import docx", "kind", "文档类型：case 经验交流、disclosure 党务公开、review 年度巡礼"),
    ("import docx", "org", "党务公开的发布单位（落款中没有时使用）"),
    (
        "import docx",
        "into",
        "写入的目录（默认按类型为 content/cases、content/disclosures 或 content/reviews）",
    ),
];

/// clap's own words in Chinese: the usage line, the headings of commands, arguments and
/// options, and the help and version flags. clap 4 takes a template for the usage heading and
/// a heading per argument, so each is set on every command.
const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

fn chinese_headings(cmd: Command) -> Command {
    let args: Vec<(String, bool)> =
        cmd.get_arguments().map(|a| (a.get_id().to_string(), a.is_positional())).collect();
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        );
    for (id, positional) in args {
        cmd = cmd.mut_arg(id, |a| a.help_heading(if positional { "参数" } else { "选项" }));
    }
    for sub in subs {
        cmd = cmd.mut_subcommand(sub, chinese_headings);
    }
    cmd
}

/// Sets every subcommand's summary and arguments' help in the chosen language, with an example.
pub fn localise(cmd: Command, chinese: bool) -> Command {
    let mut cmd = if chinese {
        let cmd = cmd.about("公开 gongkai：党建经验交流、党务公开与年度巡礼的静态网站生成器");
        let version = Arg::new("version").short('V').long("version").action(ArgAction::Version);
        chinese_headings(cmd.disable_version_flag(true).arg(version.help("显示版本").help_heading("选项")))
    } else {
        cmd
    };
    for (path, zh, example_zh, example_en) in COMMANDS {
        let names: Vec<&str> = path.split(' ').collect();
        cmd = mut_path(cmd, &names, &|c: Command| {
            let c = c.after_help(if chinese { *example_zh } else { *example_en });
            let c = if chinese { c.about(*zh) } else { c };
            if !chinese {
                return c;
            }
            ARGS.iter().fold(c, |c, (id, help)| {
                if c.get_arguments().any(|a| a.get_id() == id) {
                    c.mut_arg(*id, |a| a.help(*help))
                } else {
                    c
                }
            })
        });
    }
    if chinese {
        for (path, id, help) in COMMAND_ARGS {
            let names: Vec<&str> = path.split(' ').collect();
            cmd = mut_path(cmd, &names, &|c: Command| c.mut_arg(*id, |a| a.help(*help)));
        }
    }
    cmd
}

fn mut_path(cmd: Command, names: &[&str], f: &dyn Fn(Command) -> Command) -> Command {
    match names {
        [] => f(cmd),
        [first, rest @ ..] => {
            if cmd.find_subcommand(first).is_none() {
                return cmd;
            }
            cmd.mut_subcommand(*first, |sub| mut_path(sub, rest, f))
        }
    }
}

/// clap's words in help text that no setting changes: the usage's `[OPTIONS]`, the
/// `[default: …]` and `[possible values: …]` after an argument's help, and the ASCII colon
/// clap puts after a heading (Chinese text takes the full-width one, as 用法： does).
fn chinese_words(text: &str) -> String {
    text.replace("Usage: ", "用法：")
        .replace("Usage:", "用法：")
        .replace("[OPTIONS]", "[选项]")
        .replace("[default: ", "[默认：")
        .replace("[possible values: ", "[可选值：")
        .replace("选项:\n", "选项：\n")
        .replace("参数:\n", "参数：\n")
        .replace("命令:\n", "命令：\n")
}

/// Reports a failed parse (or `--help`, `--version`) and gives the exit code: clap's own
/// rendering in English; in Chinese, the help with clap's remaining words put into Chinese, or
/// a Chinese sentence naming the argument and what to do, then the usage line.
pub fn report(e: clap::Error, chinese: bool, cmd: &Command) -> ExitCode {
    if !chinese {
        let code = e.exit_code();
        let _ = e.print();
        return ExitCode::from(u8::try_from(code).unwrap_or(2));
    }
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            println!("{}", chinese_words(e.to_string().trim_end()));
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!("{}", chinese_words(e.to_string().trim_end()));
            return ExitCode::from(2);
        }
        _ => {}
    }
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(s)) => chinese_words(&s.to_string()),
        _ => String::new(),
    };
    let command = command_path(cmd, std::env::args().skip(1));
    let (message, hint) = sentence(&e, &command);
    eprintln!("错误：{message}");
    if let Some(hint) = hint {
        eprintln!("  提示：{hint}");
    }
    if !usage.is_empty() {
        eprintln!("\n{usage}");
    }
    eprintln!("\n运行 `{command} --help` 查看用法和示例。");
    ExitCode::from(2)
}

/// The (sub)command the arguments name, whose `--help` lists what it takes: `gongkai build`.
fn command_path(cmd: &Command, args: impl Iterator<Item = String>) -> String {
    let mut path = vec![cmd.get_name().to_string()];
    let mut at = cmd;
    for arg in args {
        match at.find_subcommand(&arg) {
            Some(sub) => {
                path.push(arg);
                at = sub;
            }
            None if arg.starts_with('-') => continue,
            None => break,
        }
    }
    path.join(" ")
}

/// What went wrong, in a Chinese sentence, and what to do.
fn sentence(e: &clap::Error, command: &str) -> (String, Option<String>) {
    let one = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let all = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        _ => Vec::new(),
    };
    let quoted = |items: Vec<String>| items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join("、");
    let arg = one(ContextKind::InvalidArg).unwrap_or_default();
    let value = one(ContextKind::InvalidValue).unwrap_or_default();
    let suggestion = one(ContextKind::SuggestedArg)
        .or_else(|| one(ContextKind::SuggestedSubcommand))
        .or_else(|| one(ContextKind::SuggestedValue))
        .map(|s| format!("是不是要写 `{s}`？"));
    match e.kind() {
        ErrorKind::UnknownArgument if arg.starts_with('-') => (
            format!("`{command}` 没有 `{arg}` 这个选项"),
            suggestion.or_else(|| Some(format!("运行 `{command} --help` 查看可用的选项"))),
        ),
        ErrorKind::UnknownArgument => (
            format!("多出了一个参数 `{arg}`"),
            suggestion.or_else(|| Some("带空格的标题或文件名请用引号括起来，如 \"三会一课 固定日\"".into())),
        ),
        ErrorKind::InvalidSubcommand => {
            let name = one(ContextKind::InvalidSubcommand).unwrap_or_default();
            (
                format!("没有 `{name}` 这个命令"),
                suggestion.or_else(|| Some("运行 `gongkai --help` 查看所有命令".into())),
            )
        }
        ErrorKind::InvalidValue => {
            let valid = all(ContextKind::ValidValue);
            let hint = match valid.is_empty() {
                true => "请给这个选项写上值".to_string(),
                false => format!("可以写：{}", quoted(valid)),
            };
            let message = match value.is_empty() {
                true => format!("`{arg}` 后面没有写值"),
                false => format!("`{arg}` 的值不能是 `{value}`"),
            };
            (message, suggestion.or(Some(hint)))
        }
        ErrorKind::ValueValidation => {
            use std::error::Error as _;
            let why = e.source().map(|s| gongkai::locale::foreign_message(&s.to_string()));
            let why = why.map(|w| format!("：{w}")).unwrap_or_default();
            (format!("`{arg}` 的值 `{value}` 无效{why}"), Some("请按 `--help` 中的说明改正这个值".into()))
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = all(ContextKind::InvalidArg);
            (
                format!("缺少必需的参数：{}", quoted(missing)),
                Some(format!("运行 `{command} --help` 查看示例")),
            )
        }
        ErrorKind::MissingSubcommand => {
            ("缺少命令".into(), Some(format!("运行 `{command} --help` 查看可用的命令")))
        }
        ErrorKind::ArgumentConflict => {
            let prior = one(ContextKind::PriorArg).unwrap_or_default();
            (format!("`{arg}` 不能和 `{prior}` 同时使用"), Some("请只保留其中一个".into()))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            (format!("`{arg}` 的值太多"), Some("一个选项只写一个值；要给多个值，请把选项重复写几次".into()))
        }
        ErrorKind::TooFewValues => (format!("`{arg}` 的值不够"), None),
        ErrorKind::NoEquals => (format!("`{arg}` 的值要用等号连接，如 `{arg}=值`"), None),
        ErrorKind::InvalidUtf8 => ("参数中有无法识别的字符（不是 UTF-8）".into(), None),
        _ => ("命令行参数有误".into(), Some(format!("运行 `{command} --help` 查看用法"))),
    }
}
