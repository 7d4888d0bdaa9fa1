//! What the status and reason codes mean, in words an auditor reads beside the codes (the
//! workbooks, report.html), in each language; docs/statuses-and-reasons.md says the same at
//! length.

use crate::report::language::Language;

/// What a status means; empty for a code popsync does not write.
pub(crate) fn status_meaning(code: &str, language: Language) -> &'static str {
    let (vi, en) = match code {
        "SYNCED" => (
            "tìm thấy theo số định danh; họ tên, ngày sinh và giới tính đều khớp",
            "found by ID; name, date of birth and gender agree",
        ),
        "DIFF" => (
            "tìm thấy theo số định danh, đúng người nhưng có thông tin không khớp",
            "found by ID, same person, something differs",
        ),
        "SUGGESTED" => (
            "không có số định danh dùng được; xác định rõ được một người trong CSDL dân cư là \
             người tham gia này",
            "no usable ID; one register person is clearly this participant",
        ),
        "AMBIGUOUS" => (
            "có thể là một trong nhiều người trong CSDL dân cư",
            "several register persons are plausible",
        ),
        "NOT_FOUND" => (
            "không ai trong CSDL dân cư có thể là người này",
            "nobody in the register plausibly matches",
        ),
        "REJECTED" => ("không đọc được dòng này", "the row could not be read"),
        _ => ("", ""),
    };
    pick(language, vi, en)
}

/// What a reason code means; empty for a code popsync does not write.
pub(crate) fn reason_meaning(code: &str, language: Language) -> &'static str {
    let (vi, en) = match code {
        "id_missing" => ("hồ sơ không có số định danh", "no ID on file"),
        "id_malformed" => (
            "số định danh trong hồ sơ không đúng định dạng",
            "the ID on file is not a readable ID number",
        ),
        "id_not_found" => (
            "không ai trong CSDL dân cư có số định danh này",
            "no register person has this ID",
        ),
        "id_other_person" => (
            "số định danh này là của một người khác trong CSDL dân cư",
            "the ID belongs to someone else in the register",
        ),
        "id_structure" => (
            "các chữ số của số định danh mâu thuẫn với giới tính hoặc năm sinh trong hồ sơ",
            "the ID's digits contradict the gender or birth year on file",
        ),
        "id_zeros_restored" => (
            "chỉ tìm thấy sau khi bổ sung các chữ số 0 ở đầu bị mất của số định danh",
            "found only after restoring the ID's lost leading zeros",
        ),
        "old_id" => (
            "tìm thấy qua số CMND cũ (9 số)",
            "found through the old 9-digit ID card number",
        ),
        "id_typo" => (
            "số định danh của người được gợi ý chỉ lệch với số trong hồ sơ do một lỗi gõ (sai \
             một chữ số hoặc đảo hai chữ số liền nhau)",
            "the suggested person's ID is one keystroke from the one on file",
        ),
        "name_diacritics" => (
            "họ tên chỉ khác nhau ở dấu",
            "names differ only in their accents",
        ),
        "name_typo" => (
            "họ tên khác nhau do một lỗi gõ nhỏ",
            "names differ by a small typing error",
        ),
        "name_order" => (
            "họ tên có cùng các thành phần nhưng khác thứ tự",
            "the same names in another order",
        ),
        "name_middle" => (
            "tên đệm bị thiếu, thừa hoặc khác",
            "the middle name is missing, extra or different",
        ),
        "name_differs" => ("họ tên khác nhau", "the names differ"),
        "dob_partial" => (
            "một bên chỉ ghi năm sinh hoặc tháng, năm sinh, và phần đó khớp với bên kia",
            "one date is less precise (a year, a month) and agrees",
        ),
        "dob_day_month_swapped" => ("ngày và tháng bị đảo chỗ", "day and month swapped"),
        "dob_year_off" => ("năm sinh lệch một năm", "the birth year is off by one"),
        "dob_typo" => (
            "ngày sinh khác nhau một chữ số hoặc hai chữ số liền nhau bị đảo (kể cả khi ngày \
             trong hồ sơ không có thật)",
            "the dates differ by one digit or two neighbouring digits swapped (also when the \
             date on file names no real day)",
        ),
        "dob_differs" => ("ngày sinh khác nhau", "the dates of birth differ"),
        "dob_invalid" => (
            "ngày sinh trong hồ sơ bị thiếu hoặc không đọc được",
            "the date of birth on file is missing or unreadable",
        ),
        "gender_differs" => ("giới tính khác nhau", "the genders differ"),
        "gender_missing" => (
            "chỉ một bên có giới tính",
            "the gender is known on one side only",
        ),
        "deceased" => (
            "CSDL dân cư ghi nhận người này đã chết",
            "the register marks this person deceased",
        ),
        "duplicate_person" => (
            "một mã số BHXH khác cũng liên kết với cùng người này",
            "another insurance code is linked to the same person",
        ),
        "duplicate_code" => (
            "mã số BHXH này xuất hiện nhiều lần",
            "this insurance code appears more than once",
        ),
        "review_rejected" => (
            "người kiểm tra đã bác bỏ một người cho mã số này; người đó không còn được gợi ý \
             hay liệt kê",
            "a reviewer rejected a person for this code; that person is no longer suggested \
             or listed",
        ),
        "review_stale" => (
            "quyết định của người kiểm tra không được áp dụng: hồ sơ đã thay đổi, người đó không \
             còn trong CSDL dân cư, hoặc số định danh nay chỉ tới người khác; cần kiểm tra lại",
            "a reviewer's decision was not applied: the record changed, the person left the \
             register, or the ID now names someone else; review again",
        ),
        _ => ("", ""),
    };
    pick(language, vi, en)
}

fn pick(language: Language, vi: &'static str, en: &'static str) -> &'static str {
    match language {
        Language::Vietnamese => vi,
        Language::English => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_and_status_has_a_meaning_in_each_language() {
        for language in [Language::Vietnamese, Language::English] {
            for reason in crate::matching::Reason::ALL.iter() {
                assert!(
                    !reason_meaning(reason.as_str(), language).is_empty(),
                    "{reason:?} {language:?}"
                );
            }
            for status in crate::matching::Status::ALL {
                assert!(
                    !status_meaning(status.as_str(), language).is_empty(),
                    "{status:?} {language:?}"
                );
            }
        }
        assert_ne!(
            reason_meaning("id_missing", Language::Vietnamese),
            reason_meaning("id_missing", Language::English)
        );
    }
}
