//! The synthetic Chinese corpus shared by the build and search benchmarks: N exchange cases,
//! deterministic (an inline splitmix64), optionally mirrored as a Hugo site.
use std::fmt::Write as _;
use std::path::Path;

/// splitmix64: tiny, fast and good enough for picking words.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    pub fn index(&mut self, len: usize) -> usize {
        (self.next() % len as u64) as usize
    }
}

/// Cities of 山西 and some of their counties.
const REGIONS: &[(&str, &[&str])] = &[
    ("太原市", &["小店区", "迎泽区", "杏花岭区", "晋源区", "清徐县", "阳曲县", "娄烦县", "古交市"]),
    ("大同市", &["平城区", "云冈区", "新荣区", "阳高县", "天镇县", "广灵县", "灵丘县", "浑源县", "左云县"]),
    ("阳泉市", &["城区", "矿区", "郊区", "平定县", "盂县"]),
    (
        "长治市",
        &[
            "潞州区",
            "上党区",
            "屯留区",
            "潞城区",
            "襄垣县",
            "平顺县",
            "黎城县",
            "壶关县",
            "长子县",
            "武乡县",
            "沁县",
            "沁源县",
        ],
    ),
    ("晋城市", &["城区", "沁水县", "阳城县", "陵川县", "泽州县", "高平市"]),
    ("朔州市", &["朔城区", "平鲁区", "山阴县", "应县", "右玉县", "怀仁市"]),
    (
        "晋中市",
        &[
            "榆次区",
            "太谷区",
            "榆社县",
            "左权县",
            "和顺县",
            "昔阳县",
            "寿阳县",
            "祁县",
            "平遥县",
            "灵石县",
            "介休市",
        ],
    ),
    (
        "运城市",
        &[
            "盐湖区",
            "临猗县",
            "万荣县",
            "闻喜县",
            "稷山县",
            "新绛县",
            "绛县",
            "垣曲县",
            "夏县",
            "平陆县",
            "芮城县",
            "永济市",
            "河津市",
        ],
    ),
    (
        "忻州市",
        &[
            "忻府区",
            "定襄县",
            "五台县",
            "代县",
            "繁峙县",
            "宁武县",
            "静乐县",
            "神池县",
            "五寨县",
            "岢岚县",
            "河曲县",
            "保德县",
            "偏关县",
            "原平市",
        ],
    ),
    (
        "临汾市",
        &[
            "尧都区",
            "曲沃县",
            "翼城县",
            "襄汾县",
            "洪洞县",
            "古县",
            "安泽县",
            "浮山县",
            "吉县",
            "乡宁县",
            "大宁县",
            "隰县",
            "永和县",
            "蒲县",
            "汾西县",
            "侯马市",
            "霍州市",
        ],
    ),
    (
        "吕梁市",
        &[
            "离石区",
            "文水县",
            "交城县",
            "兴县",
            "临县",
            "柳林县",
            "石楼县",
            "岚县",
            "方山县",
            "中阳县",
            "交口县",
            "孝义市",
            "汾阳市",
        ],
    ),
];

const TAGS: &[&str] = &[
    "党员发展",
    "经验交流",
    "基层治理",
    "乡村振兴",
    "党员教育",
    "组织生活",
    "三会一课",
    "主题党日",
    "流动党员",
    "党建引领",
    "村级组织",
    "社区党建",
    "两新组织",
    "党风廉政",
    "作风建设",
    "干部队伍",
    "人才振兴",
    "集体经济",
    "网格化管理",
    "志愿服务",
    "党务公开",
    "红色文化",
    "便民服务",
    "智慧党建",
    "考核评价",
    "软弱涣散整治",
    "驻村帮扶",
    "民主评议",
    "积分管理",
    "党群服务中心",
];

const PUBLISHER_SUFFIXES: &[&str] = &["委组织部", "委宣传部", "直机关工委", "委党校", "委老干部局"];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "柏", "贾", "薛", "梁", "韩", "段",
    "裴",
];
const GIVEN: &[&str] = &[
    "海涛", "静", "小明", "建国", "丽华", "志强", "晓燕", "国栋", "文斌", "春梅", "玉兰", "宏伟", "鹏", "敏",
    "振华", "秀英", "学军", "雪",
];

const TITLE_ACTIONS: &[&str] =
    &["推动", "规范", "激活", "夯实", "提升", "破解", "做实", "强化", "创新", "打通"];
const TITLE_SLOGANS: &[&str] = &[
    "一制度三办法一手册",
    "三联三帮",
    "四议两公开",
    "支部建在产业链上",
    "红色代办",
    "积分制",
    "党员中心户",
    "双报到",
    "五星支部",
    "村村有好书记",
    "网格连心",
    "书记项目",
    "一村一策",
    "三级联动",
    "党建+合作社",
    "周二党员活动日",
];
const TITLE_OBJECTS: &[&str] = &[
    "发展党员工作",
    "集体经济发展",
    "基层组织建设",
    "流动党员管理",
    "党员教育培训",
    "村级治理",
    "社区服务",
    "农村人居环境整治",
    "软弱涣散党组织整顿",
    "年轻干部培养",
    "党务公开",
    "为民办实事",
];

/// Sentence parts; a sentence is opener + subject + measure + result.
const OPENERS: &[&str] = &[
    "近年来，",
    "今年以来，",
    "针对过去",
    "为解决",
    "按照上级部署，",
    "在实践中，",
    "围绕中心工作，",
    "自开展活动以来，",
    "结合本地实际，",
    "立足新发展阶段，",
    "坚持问题导向，",
    "",
];
const SUBJECTS: &[&str] = &[
    "县委组织部",
    "各乡镇党委",
    "村党支部",
    "社区党组织",
    "机关党委",
    "驻村工作队",
    "党员干部",
    "基层党组织",
    "两委班子",
    "第一书记",
    "非公企业党支部",
    "党群服务中心",
];
const MEASURES: &[&str] = &[
    "制定出台了发展党员工作全程记实制度",
    "将培养、政审、考察、审批等程序进行整合",
    "建立健全党员积分管理台账",
    "严格落实“三会一课”制度",
    "深入开展主题党日活动",
    "通过“一事一记、一步一审”进行全程跟踪监管",
    "把支部建在产业链上",
    "组织党员亮身份、践承诺、当先锋",
    "推行“四议两公开”工作法",
    "定期召开民主评议党员大会",
    "将理论学习和实践锻炼相融合",
    "加大考核力度",
    "整合各类便民服务资源",
    "实行网格化管理、精细化服务",
    "明确职责要求，统一标准，制成模板",
    "开展结对帮扶和入户走访",
    "建立村级集体经济发展台账",
    "利用“学习强国”和微信群开展线上学习",
    "组建党员志愿服务队",
    "选派优秀年轻干部到村任职",
];
const RESULTS: &[&str] = &[
    "确保了发展党员工作的严肃性和规范性",
    "让新发展党员做到组织上与思想上一同入党",
    "形成了完整有序、清晰透明、便于查询的工作链",
    "有效提升了基层党组织的组织力",
    "进一步增强了党员的身份意识",
    "群众满意度明显提高",
    "为乡村振兴提供了坚强的组织保证",
    "推动各项工作落地见效",
    "基层党组织的战斗堡垒作用得到充分发挥",
    "村集体收入实现稳步增长",
    "打通了服务群众的“最后一公里”",
    "切实把党的政治优势转化为发展优势",
];
const FIGURES: &[&str] =
    &["全县{}个村", "累计{}人次", "共{}名党员", "{}个党支部", "{}户群众", "{}项制度", "{}场培训"];
const LATIN: &[&str] = &["App", "PPT", "GPS", "QQ群", "LED屏", "VR党建", "“互联网+”", "O2O"];
const LIST_ITEMS: &[&str] = &[
    "严把入口关，坚持标准不降低",
    "建立培养联系人制度",
    "实行发展党员公示制度",
    "完善党员档案管理，明确5类19种入档材料",
    "开展“一对一”谈心谈话",
    "落实党员联系群众制度",
    "每季度开展一次督导检查",
    "建立问题整改清单",
    "推行党务公开栏和微信公众号双公开",
];
const HEADINGS: &[&str] = &["主要做法", "工作成效", "经验启示", "下一步打算", "基本情况"];
const COMMENTARY: &[&str] = &[
    "创新制度规范发展党员工作，让基层党组织工作有章可循。",
    "只要在执行中抓细抓实，久久为功，便会形成制度，落地生根。",
    "这一做法抓住了基层党建的关键环节，值得借鉴。",
    "把党建工作与中心工作同谋划、同部署，实现了互促共进。",
    "以小切口推动大变化，群众看得见、摸得着。",
    "为严把党员入口关、提高发展党员工作质量提供了有力抓手。",
];
const CN_NUM: &[&str] = &["一", "二", "三", "四", "五", "六"];

/// The TOML front matter of a site: a title and pagination like the Hugo site's.
const SITE_TOML: &str = "title = \"基层党建经验交流（基准测试）\"\nbase_url = \"https://example.org/\"\norganisation = \"合成语料\"\npaginate = 20\n";

const HUGO_CONFIG: &str = r#"baseURL = "https://example.org/"
title = "基层党建经验交流（基准测试）"
languageCode = "zh-CN"
hasCJKLanguage = true
disableKinds = []
paginate = 20
enableRobotsTXT = false

[taxonomies]
  tag = "tags"
"#;

const HUGO_BASEOF_HEAD: &str = r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
"#;

const HUGO_SINGLE: &str = r#"{{ partial "head.html" . }}
<main><article>
<h1>{{ .Title }}</h1>
<p>{{ .Params.publisher }}{{ range .Params.authors }} <span>{{ . }}</span>{{ end }} · <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time></p>
<p>{{ .Params.region }}</p>
<div class="prose">{{ .Content }}</div>
{{ with .Params.commentary }}<section><h2>点评</h2><p>{{ . }}</p></section>{{ end }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article></main>
</body></html>
"#;

const HUGO_LIST: &str = r#"{{ partial "head.html" . }}
<main><h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span>{{ .Params.publisher }}</span> <time>{{ .Date.Format "2006年1月2日" }}</time><p>{{ .Summary }}</p></li>{{ end }}
</ul>
{{ template "_internal/pagination.html" . }}
</main></body></html>
"#;

const HUGO_INDEX: &str = r#"{{ partial "head.html" . }}
<main><h1>{{ .Site.Title }}</h1>
<ul>{{ range first 10 (where .Site.RegularPages "Section" "cases") }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span>{{ .Params.publisher }}</span> <time>{{ .Date.Format "2006年1月2日" }}</time></li>{{ end }}
</ul></main></body></html>
"#;

/// Writes a gongkai site to `site` and, when asked, a Hugo site with the same case files
/// to `hugo`. Returns the bytes of Markdown written per site.
pub fn write(n: usize, site: &Path, hugo: Option<&Path>) -> anyhow::Result<u64> {
    let cases = site.join("content/cases");
    std::fs::create_dir_all(&cases)?;
    std::fs::write(site.join("site.toml"), SITE_TOML)?;
    let hugo_cases = match hugo {
        Some(h) => {
            let dir = h.join("content/cases");
            std::fs::create_dir_all(&dir)?;
            std::fs::create_dir_all(h.join("layouts/_default"))?;
            std::fs::create_dir_all(h.join("layouts/partials"))?;
            std::fs::write(h.join("config.toml"), HUGO_CONFIG)?;
            std::fs::write(h.join("layouts/partials/head.html"), HUGO_BASEOF_HEAD)?;
            std::fs::write(h.join("layouts/_default/single.html"), HUGO_SINGLE)?;
            std::fs::write(h.join("layouts/_default/list.html"), HUGO_LIST)?;
            std::fs::write(h.join("layouts/index.html"), HUGO_INDEX)?;
            Some(dir)
        }
        None => None,
    };
    let publishers = publishers();
    let mut rng = Rng::new(0x6f6e_676b_6169);
    let mut text = String::with_capacity(8 * 1024);
    let mut bytes = 0;
    for i in 1..=n {
        text.clear();
        case(&mut rng, &publishers, &mut text);
        let name = format!("case-{i:05}.md");
        std::fs::write(cases.join(&name), &text)?;
        if let Some(dir) = &hugo_cases {
            // The same bytes; a hard link halves the generator's file creation.
            let (from, to) = (cases.join(&name), dir.join(&name));
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::write(&to, &text)?;
            }
        }
        bytes += text.len() as u64;
    }
    Ok(bytes)
}

/// About 50 publishers: the city organisation departments, then offices of counties.
fn publishers() -> Vec<String> {
    let mut rng = Rng::new(50);
    let mut out: Vec<String> = REGIONS.iter().map(|(city, _)| format!("{city}委组织部")).collect();
    while out.len() < 50 {
        let (_, counties) = rng.pick(REGIONS);
        let county = rng.pick(counties);
        // 城区, 矿区, 郊区 say nothing without their city.
        if county.chars().count() == 2 && county.ends_with('区') {
            continue;
        }
        let p = format!("{county}{}", rng.pick(PUBLISHER_SUFFIXES));
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn case(rng: &mut Rng, publishers: &[String], out: &mut String) {
    let (city, counties) = rng.pick(REGIONS);
    let county = rng.pick(counties);
    let region = match rng.range(0, 9) {
        0..=1 => format!("山西省/{city}"),
        _ => format!("山西省/{city}/{county}"),
    };
    let place = if region.matches('/').count() == 2 { county } else { city };
    let title = format!(
        "{place}以“{}”{}{}",
        rng.pick(TITLE_SLOGANS),
        rng.pick(TITLE_ACTIONS),
        rng.pick(TITLE_OBJECTS)
    );
    let publisher = &publishers[rng.index(publishers.len())];
    let authors: Vec<String> =
        (0..rng.range(1, 3)).map(|_| format!("\"{}{}\"", rng.pick(SURNAMES), rng.pick(GIVEN))).collect();
    // 2014-01-01 plus up to 11 years, so dates fall in 2014–2024.
    let day = rng.range(0, 4017) as i64;
    let date = chrono::NaiveDate::from_ymd_opt(2014, 1, 1).unwrap() + chrono::Duration::days(day);
    let mut tags: Vec<&str> = Vec::new();
    for _ in 0..rng.range(1, 4) {
        let t = rng.pick(TAGS);
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    let mut commentary = String::new();
    let first = rng.index(COMMENTARY.len());
    for k in 0..rng.range(1, 3) {
        commentary.push_str(COMMENTARY[(first + k) % COMMENTARY.len()]);
    }
    let _ = writeln!(out, "+++");
    let _ = writeln!(out, "title = \"{title}\"");
    let _ = writeln!(out, "publisher = \"{publisher}\"");
    let _ = writeln!(out, "authors = [{}]", authors.join(", "));
    let _ = writeln!(out, "date = {date}");
    let _ = writeln!(out, "region = \"{region}\"");
    let _ = writeln!(out, "tags = [{}]", tags.join(", "));
    let _ = writeln!(out, "commentary = \"{commentary}\"");
    // A few files leave the script to detection, as imported ones often do.
    if !rng.chance(10) {
        let _ = writeln!(out, "lang = \"zh-CN\"");
    }
    let _ = writeln!(out, "source = \"合成语料\"");
    let _ = writeln!(out, "+++\n");
    body(rng, out);
}

/// 3–6 blocks totalling 600–1500 Chinese characters; some emphasis, lists, headings,
/// wrapped lines, latin words and digits.
fn body(rng: &mut Rng, out: &mut String) {
    let target = rng.range(600, 1500);
    let blocks = rng.range(3, 6);
    let per_block = target / blocks;
    let with_headings = rng.chance(30);
    for b in 0..blocks {
        if with_headings && b > 0 && b < blocks - 1 {
            let _ = writeln!(out, "## {}、{}\n", CN_NUM[b - 1], rng.pick(HEADINGS));
        }
        if b > 0 && rng.chance(20) {
            // A list of 3–6 different items, then the rest of the block as a paragraph.
            let ordered = rng.chance(50);
            let first = rng.index(LIST_ITEMS.len());
            let mut chars = 0;
            for k in 0..rng.range(3, 6) {
                let item = LIST_ITEMS[(first + k) % LIST_ITEMS.len()];
                if ordered {
                    let _ = writeln!(out, "{}. {item}。", k + 1);
                } else {
                    let _ = writeln!(out, "- {item}；");
                }
                chars += item.chars().count() + 1;
            }
            out.push('\n');
            if chars + 40 < per_block {
                paragraph(rng, per_block - chars, out);
                out.push_str("\n\n");
            }
            continue;
        }
        paragraph(rng, per_block, out);
        out.push_str("\n\n");
    }
}

fn paragraph(rng: &mut Rng, chars: usize, out: &mut String) {
    let mut written = 0;
    let mut line = 0;
    while written < chars {
        let start = out.len();
        out.push_str(rng.pick(OPENERS));
        out.push_str(rng.pick(SUBJECTS));
        let measure = rng.pick(MEASURES);
        if rng.chance(12) {
            let _ = write!(out, "**{measure}**");
        } else {
            out.push_str(measure);
        }
        if rng.chance(15) {
            let figure = rng.pick(FIGURES).replace("{}", &rng.range(3, 2000).to_string());
            let _ = write!(out, "，{figure}");
        }
        if rng.chance(6) {
            let _ = write!(out, "，借助{}", rng.pick(LATIN));
        }
        out.push('，');
        out.push_str(rng.pick(RESULTS));
        out.push('。');
        let n = out[start..].chars().count();
        written += n;
        line += n;
        // Some sources wrap lines; the break between two Chinese characters must vanish.
        if line > 60 && rng.chance(25) && written < chars {
            out.push('\n');
            line = 0;
        }
    }
}
