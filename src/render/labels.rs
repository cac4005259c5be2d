//! Every word docctl itself prints on an output, in each document language: one table, one
//! row per word, one column per language. Templates read the words as `doc.labels.KEY` (a
//! document's own language) or `site.labels.KEY` (the set's default language: portal pages,
//! lists); Rust code that writes words into an output (list columns, redline sections, Excel
//! messages) takes them from here too. `tests/labels.rs` fails on a CJK or English word written
//! into a built-in template instead of this table.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::model::Lang;

/// The words of one language, by key.
pub type Labels = BTreeMap<&'static str, &'static str>;

/// The table: key, simplified Chinese, traditional Chinese, English.
pub const TABLE: &[(&str, &str, &str, &str)] = &[
    // The header block of a controlled document.
    ("number", "文件编号", "文件編號", "Document No."),
    ("version", "版本", "版本", "Revision"),
    ("effective", "生效日期", "生效日期", "Effective"),
    ("page", "页码", "頁碼", "Page"),
    ("page_before", "第 ", "第 ", "Page "),
    ("page_middle", " 页 共 ", " 頁 共 ", " of "),
    ("page_after", " 页", " 頁", ""),
    ("prepared", "编制", "編制", "Prepared"),
    ("reviewed", "审核", "審核", "Reviewed"),
    ("approved", "批准", "批准", "Approved"),
    ("date", "日期", "日期", "Date"),
    ("distribution", "分发部门", "分發部門", "Distribution"),
    ("history", "修订记录", "修訂記錄", "Revision history"),
    ("change", "修订内容", "修訂內容", "Change"),
    ("by", "修订人", "修訂人", "By"),
    ("owner", "归口部门", "歸口部門", "Owner"),
    (
        "notice",
        "未经批准，不准复印",
        "未經批准，不准複印",
        "Do not copy without approval",
    ),
    ("status", "受控状态", "受控狀態", "Status"),
    ("state", "状态", "狀態", "Status"),
    // The sections of a procedure.
    ("purpose", "目的", "目的", "Purpose"),
    ("scope", "范围", "範圍", "Scope"),
    ("responsibilities", "职责", "權責", "Responsibilities"),
    ("definitions", "定义", "定義", "Definitions"),
    ("none", "无", "無", "None"),
    ("steps", "工作程序", "作業內容", "Procedure"),
    ("related", "相关文件", "相關文件", "Related documents"),
    ("records", "记录", "記錄", "Records"),
    ("record_name", "记录名称", "記錄名稱", "Record"),
    ("form_number", "表单编号", "表單編號", "Form No."),
    ("keeper", "保存部门", "保存部門", "Kept by"),
    ("retention", "保存期限", "保存期限", "Retention"),
    ("serial", "序号", "序號", "No."),
    ("responsible", "负责部门", "負責部門", "Responsible"),
    ("title_open", "《", "《", "“"),
    ("title_close", "》", "》", "”"),
    ("paren_open", "\u{ff08}", "\u{ff08}", "("),
    ("paren_close", "\u{ff09}", "\u{ff09}", ")"),
    ("list_sep", "、", "、", ", "),
    ("colon", "：", "：", ": "),
    // Kinds and statuses.
    ("kind_procedure", "程序文件", "程序文件", "Procedure"),
    ("kind_form", "记录表单", "記錄表單", "Form"),
    ("status_effective", "受控", "受控", "Controlled"),
    ("status_working", "未发布", "未發布", "Unreleased"),
    ("status_draft", "草稿", "草稿", "Draft"),
    ("status_obsolete", "作废", "作廢", "Obsolete"),
    ("status_pending", "待生效", "待生效", "Pending"),
    ("stamp_effective", "受控文件", "受控文件", "CONTROLLED"),
    (
        "stamp_working",
        "工作副本 · 未发布",
        "工作副本 · 未發布",
        "WORKING COPY · UNRELEASED",
    ),
    (
        "stamp_draft",
        "草稿 · 未发布",
        "草稿 · 未發布",
        "DRAFT · UNRELEASED",
    ),
    ("stamp_obsolete", "作废", "作廢", "OBSOLETE"),
    (
        "stamp_pending",
        "待生效 · 尚未生效",
        "待生效 · 尚未生效",
        "PENDING · NOT YET IN FORCE",
    ),
    // Numbered copies (`docctl issue`) and their register.
    ("copy_controlled", "受控副本", "受控副本", "CONTROLLED COPY"),
    (
        "copy_uncontrolled",
        "非受控 · 仅供参考",
        "非受控 · 僅供參考",
        "UNCONTROLLED · FOR REFERENCE ONLY",
    ),
    ("copy_number", "发放号", "發放號", "Copy No."),
    (
        "copy_register",
        "文件发放回收登记表",
        "文件發放回收登記表",
        "Document issue and recall register",
    ),
    ("copy_to", "领用部门", "領用部門", "Department"),
    ("copy_holder", "领用人", "領用人", "Holder"),
    ("copy_issued", "发放日期", "發放日期", "Issued"),
    ("copy_signature", "签收", "簽收", "Signature"),
    ("copy_recalled", "回收日期", "回收日期", "Recalled"),
    ("copy_recalled_by", "回收人", "回收人", "Recalled by"),
    ("copy_name", "名称", "名稱", "Title"),
    ("change_request", "更改申请", "更改申請", "change request"),
    (
        "open_requests",
        "待处理的更改申请",
        "待處理的更改申請",
        "Open change requests",
    ),
    ("request_number", "申请编号", "申請編號", "Request No."),
    ("request_what", "更改内容", "更改內容", "Change asked"),
    ("request_by", "申请人", "申請人", "Asked by"),
    (
        "request_impact",
        "需复审的文件",
        "需複審的文件",
        "To re-review",
    ),
    // A document's portal page.
    ("releases", "发布记录", "發布記錄", "Releases"),
    ("released", "发布日期", "發布日期", "Released"),
    ("download", "下载", "下載", "Download"),
    ("current_release", "现行", "現行", "Current"),
    ("superseded_by", "替代版本", "替代版本", "superseded by"),
    ("withdrawn", "撤销", "撤銷", "withdrawn"),
    (
        "not_released",
        "尚未发布：本页为工作副本",
        "尚未發布：本頁為工作副本",
        "Not released: this page is a working copy",
    ),
    ("cited_by", "被引用", "被引用", "Cited by"),
    (
        "cited_by_none",
        "没有文件引用本文件",
        "沒有文件引用本文件",
        "No document cites this one",
    ),
    (
        "problems_found",
        "检查发现的问题",
        "檢查發現的問題",
        "Problems found by the check",
    ),
    ("error", "错误", "錯誤", "error"),
    ("warning", "警告", "警告", "warning"),
    ("info", "提示", "提示", "note"),
    ("help", "提示", "提示", "help"),
    // Forms.
    ("save_record", "保存记录", "保存記錄", "Save record"),
    ("print", "打印", "列印", "Print"),
    ("procedure_of_form", "所属程序", "所屬程序", "Procedure"),
    ("instructions", "填写说明", "填寫說明", "Instructions"),
    ("field", "栏目", "欄位", "Field"),
    ("field_type", "类型", "類型", "Type"),
    ("required", "必填", "必填", "Required"),
    ("options", "选项", "選項", "Options"),
    ("yes", "是", "是", "Yes"),
    ("no", "否", "否", "No"),
    ("columns", "列", "欄", "Columns"),
    ("blank_rows", "空白行数", "空白行數", "Blank rows"),
    ("layout_register", "登记表", "登記表", "Register"),
    ("layout_sheet", "单页表单", "單頁表單", "Sheet"),
    ("layout", "版式", "版式", "Layout"),
    ("field_text", "文本", "文字", "Text"),
    ("field_textarea", "多行文本", "多行文字", "Long text"),
    ("field_number", "数字", "數字", "Number"),
    ("field_date", "日期", "日期", "Date"),
    ("field_choice", "单选", "單選", "Single choice"),
    ("field_multichoice", "多选", "多選", "Multiple choice"),
    ("field_checkbox", "勾选", "勾選", "Check box"),
    ("field_signature", "签名", "簽名", "Signature"),
    ("field_table", "表格", "表格", "Table"),
    ("field_section", "分节", "分節", "Section"),
    ("xlsx_choose", "请选择", "請選擇", "Choose one of"),
    ("xlsx_choose_many", "可多选", "可多選", "Choose any of"),
    (
        "xlsx_date",
        "请填写日期 (YYYY-MM-DD)",
        "請填寫日期 (YYYY-MM-DD)",
        "Enter a date (YYYY-MM-DD)",
    ),
    ("xlsx_number", "请填写数字", "請填寫數字", "Enter a number"),
    // The portal.
    (
        "master_list",
        "受控文件清单",
        "受控文件清單",
        "Controlled documents",
    ),
    ("record_list", "记录清单", "記錄清單", "Records list"),
    ("documents_count", " 份文件", " 份文件", " documents"),
    // The portal's page of drafts awaiting a signature.
    // The problems page's worklist of documents cited but absent (docctl refs --missing).
    (
        "missing_documents",
        "缺失的文件",
        "缺失的文件",
        "Missing documents",
    ),
    (
        "missing_explained",
        "被引用但不在文件集中的文件，同一文件的不同写法合为一行。",
        "被引用但不在文件集中的文件，同一文件的不同寫法合為一行。",
        "Documents cited but not in the set; the spellings of one document share a row.",
    ),
    ("missing_document", "文件", "文件", "Document"),
    ("missing_count", "次数", "次數", "Citations"),
    (
        "missing_spellings",
        "写法（次数：位置）",
        "寫法（次數：位置）",
        "Spellings (count: places)",
    ),
    (
        "missing_closest",
        "最接近的现有文件",
        "最接近的現有文件",
        "Closest existing document",
    ),
    ("signing", "待签署", "待簽署", "Awaiting signature"),
    ("signing_drafts", " 份草稿", " 份草稿", " drafts"),
    (
        "signing_authorised_on",
        "签署人按此日期的授权列出：",
        "簽署人按此日期的授權列出：",
        "signers as authorised on ",
    ),
    ("signing_awaits", "待签：", "待簽：", "awaiting: "),
    ("signing_signed", "已签：", "已簽：", "signed: "),
    (
        "signing_unsigned",
        "尚无签名",
        "尚無簽名",
        "no signature yet",
    ),
    ("signing_may_sign", "可签署：", "可簽署：", "may sign: "),
    (
        "signing_anyone",
        "任何人（配置文件未列出签署人）",
        "任何人（配置文件未列出簽署人）",
        "anyone (docctl.yaml lists no signers)",
    ),
    (
        "signing_nobody",
        "无人获授权：请在配置文件中添加签署人",
        "無人獲授權：請在配置文件中添加簽署人",
        "nobody is authorised: add a signer to docctl.yaml",
    ),
    (
        "signing_command",
        "命令（在文件集目录中运行）：",
        "命令（在文件集目錄中執行）：",
        "Command (run in the set's folder):",
    ),
    (
        "signing_pull_request",
        "拉取请求",
        "拉取請求",
        "Pull request",
    ),
    (
        "signing_none",
        "没有待签署的文件。",
        "沒有待簽署的文件。",
        "No document awaits a signature.",
    ),
    ("title", "文件名称", "文件名稱", "Title"),
    ("search", "搜索", "搜尋", "Search"),
    (
        "search_hint",
        "搜索标题、编号或正文 …",
        "搜尋標題、編號或正文 …",
        "Search title, number or text …",
    ),
    ("kind", "类别", "類別", "Type"),
    ("all_kinds", "全部类别", "全部類別", "All types"),
    ("all_statuses", "全部状态", "全部狀態", "All statuses"),
    ("all_departments", "全部部门", "全部部門", "All departments"),
    ("graph", "引用关系图", "引用關係圖", "Reference graph"),
    ("graph_edges", " 处引用。", " 處引用。", " citations. "),
    (
        "graph_help",
        "内圈为程序文件，外圈为其记录表单；点击方框打开文件。也可下载：",
        "內圈為程序文件，外圈為其記錄表單；點擊方框開啟文件。也可下載：",
        "Procedures sit on the inner ring, their forms outside; click a box to open the document. Download: ",
    ),
    (
        "unresolved_cite",
        "未找到此文件",
        "未找到此文件",
        "No such document",
    ),
    (
        "unresolved",
        "未找到的引用",
        "未找到的引用",
        "Unresolved citations",
    ),
    (
        "coverage",
        "条款覆盖矩阵",
        "條款覆蓋矩陣",
        "Clause coverage matrix",
    ),
    (
        "coverage_procedures",
        " 份程序文件；",
        " 份程序文件；",
        " procedures; ",
    ),
    (
        "coverage_help",
        " 个条款未被任何程序覆盖(标红)。程序文件在 clauses 中列出其服务的条款。",
        " 個條款未被任何程序覆蓋(標紅)。程序文件在 clauses 中列出其服務的條款。",
        " clauses are covered by no procedure (in red). A procedure lists the clauses it serves under clauses.",
    ),
    ("clause", "条款", "條款", "Clause"),
    ("clause_title", "标题", "標題", "Title"),
    ("not_covered", "未覆盖", "未覆蓋", "not covered"),
    ("covered", "已覆盖", "已覆蓋", "covered"),
    ("coverage_state", "覆盖", "覆蓋", "Coverage"),
    ("problems", "检查结果", "檢查結果", "Check results"),
    ("severity", "级别", "級別", "Severity"),
    ("code", "代码", "代碼", "Code"),
    ("location", "位置", "位置", "Location"),
    ("problem", "问题", "問題", "Problem"),
    (
        "no_problems",
        "没有发现问题：0 个错误，0 个警告。",
        "沒有發現問題：0 個錯誤，0 個警告。",
        "No problems: 0 errors, 0 warnings.",
    ),
    // Redlines.
    ("redline", "修订对照", "修訂對照", "Redline"),
    ("revised", "修订日期", "修訂日期", "Revision date"),
    ("before", "修订前", "修訂前", "Before"),
    ("after", "修订后", "修訂後", "After"),
    ("legend", "图例", "圖例", "Legend"),
    ("inserted", "新增的文字", "新增的文字", "inserted text"),
    ("deleted", "删除的文字", "刪除的文字", "deleted text"),
    ("changes", "修订对照表", "修訂對照表", "Table of changes"),
    ("section", "章节", "章節", "Section"),
    (
        "redline_sections",
        "逐节红线",
        "逐節紅線",
        "Redline by section",
    ),
    ("added", "新增", "新增", "added"),
    ("removed", "删除", "刪除", "removed"),
    (
        "no_differences",
        "两个版本的内容相同",
        "兩個版本的內容相同",
        "The two revisions have the same content",
    ),
    ("working_copy", "工作副本", "工作副本", "working copy"),
    // The flow chart of a procedure.
    ("flow", "流程图", "流程圖", "Flow chart"),
    ("appendix", "附件", "附件", "Appendix"),
    ("flow_start", "开始", "開始", "Start"),
    ("flow_end", "结束", "結束", "End"),
    ("flow_continued", "续下页", "續下頁", "cont. next page"),
    ("flow_from_before", "接上页", "接上頁", "from previous page"),
    // Lists.
    ("rows", " 行", " 行", " rows"),
    ("file", "文件", "文件", "File"),
    ("from_ledger", "发行记录", "發行記錄", "Release ledger"),
];

static BY_LANG: LazyLock<[Labels; 3]> = LazyLock::new(|| {
    let column =
        |pick: fn(&(&'static str, &'static str, &'static str, &'static str)) -> &'static str| {
            TABLE.iter().map(|row| (row.0, pick(row))).collect()
        };
    [column(|r| r.1), column(|r| r.2), column(|r| r.3)]
});

/// Return a history entry's change with the change request it was made for, in the words of
/// `lang`: `增加发放号（更改申请 CR-2026-001）`.
pub fn with_request(lang: Lang, change: &str, request: Option<&str>) -> String {
    match request {
        Some(number) => {
            let words = of(lang);
            format!(
                "{change}{}{} {number}{}",
                words["paren_open"], words["change_request"], words["paren_close"]
            )
        }
        None => change.to_owned(),
    }
}

/// Return the words of a language.
pub fn of(lang: Lang) -> &'static Labels {
    &BY_LANG[match lang {
        Lang::ZhHans => 0,
        Lang::ZhHant => 1,
        Lang::En => 2,
    }]
}

/// Return one word of a language; an unknown key is a bug, caught by the label tests.
pub fn word(lang: Lang, key: &str) -> &'static str {
    of(lang).get(key).copied().unwrap_or("")
}
