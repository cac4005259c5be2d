//! `docctl init DIR`: a new set with config, one procedure and one form that checks clean.

use std::path::Path;

use crate::error::Error;
use crate::write::write_atomic;

/// Write a starter set into `dir`, dated today.
pub fn run(dir: &Path, today: &str) -> Result<(), Error> {
    if dir.join(crate::load::CONFIG_FILE).exists() {
        return Err(Error::Refused(format!(
            "{} already holds a docctl.yaml; init writes new sets only",
            dir.display()
        )));
    }
    let files = [
        ("docctl.yaml", CONFIG.to_owned()),
        (
            "procedures/QP-7.5-01.yaml",
            PROCEDURE.replace("{today}", today),
        ),
        ("forms/QR-7.5-01-01.yaml", FORM.replace("{today}", today)),
        (".gitignore", "output/\n".to_owned()),
    ];
    for (name, text) in files {
        write_atomic(&dir.join(name), text.as_bytes())?;
    }
    crate::schema::write(dir)?;
    eprintln!(
        "created a documentation set in {}; run `docctl check {}`",
        dir.display(),
        dir.display()
    );
    Ok(())
}

const CONFIG: &str = "\
# yaml-language-server: $schema=schema/config.schema.json
company: 示例有限公司
system: 质量管理体系程序文件
departments: [总经理, 管理者代表, 行政部, 品质部, 业务部, 生产部]
department_aliases: {质量部: 品质部, 销售部: 业务部}
external:
  - {id: GB/T 19001-2016, title: 质量管理体系 要求}
version_scheme: letter-number
review_months: 12
";

const PROCEDURE: &str = "\
# yaml-language-server: $schema=../schema/procedure.schema.json
id: QP-7.5-01
title: 文件控制程序
version: A/0
status: effective
effective: {today}
owner: 行政部
clauses: [\"7.5\"]
approval:
  prepared: {name: 张三, date: {today}}
  reviewed: {name: 李四, date: {today}}
  approved: {name: 王五, date: {today}}
distribution: [行政部, 品质部, 业务部, 生产部]
purpose: 对质量管理体系所要求的文件进行控制,确保各场所使用的文件均为有效版本。
scope: 适用于公司质量管理体系文件的编制、审批、发放、更改和作废。
responsibilities:
  - {department: 行政部, duties: 负责文件的编号、发放、回收和归档。}
  - {department: 品质部, duties: 负责审核文件是否符合《质量管理体系 要求》。}
steps:
  - title: 文件的编制与审批
    by: 行政部
    text: 文件由归口部门编制,经审核、批准后生效;发放时登记在《文件发放登记表》上。
  - title: 文件的更改
    text: 文件更改须经原审批人批准,版本随之升级,旧版本标识为作废。
related: [《质量管理体系 要求》]
records:
  - {form: 《文件发放登记表》, keeper: 行政部, retention: 3年}
history:
  - {version: A/0, date: {today}, change: 首次发行, by: 张三}
";

const FORM: &str = "\
# yaml-language-server: $schema=../schema/form.schema.json
id: QR-7.5-01-01
title: 文件发放登记表
version: A/0
status: effective
effective: {today}
owner: 行政部
procedure: 《文件控制程序》
retention: 3年
layout: register
rows: 15
orientation: portrait
approval:
  prepared: {name: 张三, date: {today}}
  reviewed: {name: 李四, date: {today}}
  approved: {name: 王五, date: {today}}
history:
  - {version: A/0, date: {today}, change: 首次发行, by: 张三}
fields:
  - {key: date, label: 发放日期, type: date, required: true}
  - {key: doc_no, label: 文件编号, type: text, required: true}
  - {key: title, label: 文件名称, type: text}
  - {key: version, label: 版本, type: text}
  - {key: department, label: 领用部门, type: text}
  - {key: receiver, label: 领用人, type: signature}
";

/// Run `docctl init DIR`, dated today.
pub fn invoke(dir: &Path) -> Result<bool, Error> {
    let today = crate::settings::today_or(None);
    run(dir, &today.to_string())?;
    Ok(true)
}
