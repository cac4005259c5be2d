//! Record forms as Excel workbooks: the controlled header, input cells unlocked and everything
//! else locked, drop-down lists for choices, date and number validation, A4 print set-up.

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::error::Error;
use crate::render::view::{FieldView, FormView, SiteView};

/// Render a form as an `.xlsx` workbook.
pub fn form_workbook(site: &SiteView, form: &FormView) -> Result<Vec<u8>, Error> {
    build(site, form).map_err(Error::xlsx(format!(
        "{}: cannot write the Excel form",
        form.header.id
    )))
}

struct Styles {
    title: Format,
    company: Format,
    meta: Format,
    label: Format,
    section: Format,
    input: Format,
    date: Format,
}

fn styles() -> Styles {
    let font = "SimSun";
    let base = Format::new()
        .set_font_name(font)
        .set_font_size(10.5)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    Styles {
        title: base
            .clone()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_font_name("SimHei"),
        company: base
            .clone()
            .set_bold()
            .set_font_size(12)
            .set_align(FormatAlign::Center)
            .set_font_name("SimHei"),
        meta: base.clone().set_font_size(9).set_align(FormatAlign::Center),
        label: base
            .clone()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color("F0F0F0")
            .set_align(FormatAlign::Center),
        section: base
            .clone()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color("DDDDDD"),
        input: base.clone().set_border(FormatBorder::Thin).set_unlocked(),
        date: base
            .set_border(FormatBorder::Thin)
            .set_unlocked()
            .set_num_format("yyyy-mm-dd"),
    }
}

fn build(site: &SiteView, form: &FormView) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // Reproducible: the workbook's creation time is the form's effective date.
    let created = form
        .header
        .effective
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok())
        .unwrap_or(ExcelDateTime::from_ymd(2000, 1, 1)?);
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&form.header.title)
            .set_company(&site.company)
            .set_creation_datetime(&created),
    );
    let s = styles();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&form.header.id))?;
    let register = form.layout == "register";
    let inputs: Vec<&FieldView> = form
        .fields
        .iter()
        .filter(|f| {
            f.kind != crate::model::FieldType::Section && f.kind != crate::model::FieldType::Table
        })
        .collect();
    let last_col: u16 = if register {
        inputs.len().max(4) as u16 - 1
    } else {
        3
    };

    sheet.merge_range(0, 0, 0, last_col, &site.company, &s.company)?;
    sheet.merge_range(1, 0, 1, last_col, &form.header.title, &s.title)?;
    let labels = form.header.labels;
    let meta = format!(
        "{}: {}    {}: {}    {}: {}    {}: {}",
        labels["form_number"],
        form.header.id,
        labels["version"],
        form.header.version,
        labels["effective"],
        form.header.effective,
        labels["status"],
        form.header.status.label
    );
    sheet.merge_range(2, 0, 2, last_col, &meta, &s.meta)?;
    sheet.set_row_height(1, 26)?;

    let last_row = if register {
        let header_row = 4;
        for (col, field) in inputs.iter().enumerate() {
            let col = col as u16;
            let label = if field.unit.is_empty() {
                field.label.clone()
            } else {
                format!("{} ({})", field.label, field.unit)
            };
            sheet.write_string_with_format(header_row, col, &label, &s.label)?;
            let width = match field.kind {
                crate::model::FieldType::Textarea => 24.0,
                crate::model::FieldType::Checkbox => 6.0,
                crate::model::FieldType::Date => 12.0,
                _ => 14.0,
            };
            sheet.set_column_width(col, width)?;
        }
        sheet.set_row_height(header_row, 32)?;
        let first = header_row + 1;
        let last = first + form.rows.max(1) - 1;
        for row in first..=last {
            for (col, field) in inputs.iter().enumerate() {
                let format = if field.kind == crate::model::FieldType::Date {
                    &s.date
                } else {
                    &s.input
                };
                sheet.write_blank(row, col as u16, format)?;
            }
            let lines = inputs
                .iter()
                .filter(|f| f.kind == crate::model::FieldType::Textarea)
                .map(|f| f.lines)
                .max()
                .unwrap_or(1);
            sheet.set_row_height(row, 18.0 * lines.max(1) as f64)?;
        }
        for (col, field) in inputs.iter().enumerate() {
            validate(sheet, first, col as u16, last, col as u16, field, labels)?;
        }
        sheet.set_repeat_rows(header_row, header_row)?;
        last
    } else {
        sheet.set_column_width(0, 20)?;
        for col in 1..=3 {
            sheet.set_column_width(col, 22)?;
        }
        let mut row = 4;
        for field in &form.fields {
            match field.kind {
                crate::model::FieldType::Section => {
                    sheet.merge_range(row, 0, row, 3, &field.label, &s.section)?;
                }
                crate::model::FieldType::Table => {
                    sheet.merge_range(row, 0, row, 3, &field.label, &s.section)?;
                    row += 1;
                    for (col, column) in field.columns.iter().take(4).enumerate() {
                        sheet.write_string_with_format(row, col as u16, &column.label, &s.label)?;
                    }
                    for _ in 0..field.rows {
                        row += 1;
                        for col in 0..field.columns.len().min(4) {
                            sheet.write_blank(row, col as u16, &s.input)?;
                        }
                    }
                }
                _ => {
                    let mut label = field.label.clone();
                    if field.required {
                        label.push_str(" *");
                    }
                    if !field.unit.is_empty() {
                        label.push_str(&format!(" ({})", field.unit));
                    }
                    sheet.write_string_with_format(row, 0, &label, &s.label)?;
                    let format = if field.kind == crate::model::FieldType::Date {
                        &s.date
                    } else {
                        &s.input
                    };
                    sheet.merge_range(row, 1, row, 3, "", format)?;
                    if field.kind == crate::model::FieldType::Textarea {
                        sheet.set_row_height(row, 18.0 * field.lines.max(1) as f64)?;
                    } else {
                        sheet.set_row_height(row, 22)?;
                    }
                    validate(sheet, row, 1, row, 3, field, labels)?;
                }
            }
            row += 1;
        }
        row.saturating_sub(1)
    };

    sheet.set_paper_size(9);
    if form.landscape {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_area(0, 0, last_row, last_col)?;
    sheet.set_footer(format!(
        "&C{}&P{}&N{}",
        labels["page_before"], labels["page_middle"], labels["page_after"]
    ));
    sheet.protect();
    workbook.save_to_buffer()
}

/// Add the data validation a field's type calls for to a range of cells.
fn validate(
    sheet: &mut Worksheet,
    first_row: u32,
    first_col: u16,
    last_row: u32,
    last_col: u16,
    field: &FieldView,
    words: &crate::render::labels::Labels,
) -> Result<(), XlsxError> {
    let validation = match field.kind {
        crate::model::FieldType::Choice if !field.options.is_empty() => Some(
            DataValidation::new()
                .allow_list_strings(&field.options.iter().map(String::as_str).collect::<Vec<_>>())?
                .set_error_message(format!(
                    "{}{}{}",
                    words["xlsx_choose"],
                    words["colon"],
                    field.options.join(words["list_sep"])
                ))?,
        ),
        crate::model::FieldType::Checkbox => {
            Some(DataValidation::new().allow_list_strings(&[words["yes"], words["no"]])?)
        }
        crate::model::FieldType::Date => Some(
            DataValidation::new()
                .allow_date(DataValidationRule::Between(
                    ExcelDateTime::from_ymd(1900, 1, 1)?,
                    ExcelDateTime::from_ymd(9999, 12, 31)?,
                ))
                .set_input_message("YYYY-MM-DD")?
                .set_error_message(words["xlsx_date"])?,
        ),
        crate::model::FieldType::Number => Some(
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(-1e15, 1e15))
                .set_error_message(words["xlsx_number"])?,
        ),
        crate::model::FieldType::Multichoice if !field.options.is_empty() => Some(
            DataValidation::new()
                .allow_any_value()
                .set_input_message(format!(
                    "{}{}{}",
                    words["xlsx_choose_many"],
                    words["colon"],
                    field.options.join(words["list_sep"])
                ))?,
        ),
        _ => None,
    };
    if let Some(validation) = validation {
        sheet.add_data_validation(first_row, first_col, last_row, last_col, &validation)?;
    }
    Ok(())
}

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    if name.is_empty() {
        "Form".to_owned()
    } else {
        name
    }
}
