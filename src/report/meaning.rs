//! What the reason codes mean, in words an auditor reads beside the codes (the workbooks,
//! report.html); docs/statuses-and-reasons.md says the same at length.

/// What a reason code means, in the words of docs/statuses-and-reasons.md.
pub(crate) fn reason_meaning(code: &str) -> &'static str {
    match code {
        "id_missing" => "no ID on file",
        "id_malformed" => "the ID on file is not a readable ID number",
        "id_not_found" => "no register person has this ID",
        "id_other_person" => "the ID belongs to someone else in the register",
        "id_structure" => "the ID's digits contradict the gender or birth year on file",
        "id_zeros_restored" => "found only after restoring the ID's lost leading zeros",
        "old_id" => "found through the old 9-digit ID card number",
        "id_typo" => "the suggested person's ID is one keystroke from the one on file",
        "name_diacritics" => "names differ only in their accents",
        "name_typo" => "names differ by a small typing error",
        "name_order" => "the same names in another order",
        "name_middle" => "the middle name is missing, extra or different",
        "name_differs" => "the names differ",
        "dob_partial" => "one date is less precise (a year, a month) and agrees",
        "dob_day_month_swapped" => "day and month swapped",
        "dob_year_off" => "the birth year is off by one",
        "dob_typo" => "the dates differ by one digit",
        "dob_differs" => "the dates of birth differ",
        "dob_invalid" => "the date of birth on file is missing or unreadable",
        "gender_differs" => "the genders differ",
        "gender_missing" => "the gender is known on one side only",
        "deceased" => "the register marks this person deceased",
        "duplicate_person" => "another insurance code is linked to the same person",
        "duplicate_code" => "this insurance code appears more than once",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_meaning() {
        for reason in crate::matching::Reason::ALL.iter() {
            assert!(!reason_meaning(reason.as_str()).is_empty(), "{reason:?}");
        }
    }
}
