//! docs/statuses-and-reasons.md and docs/matching.md: which rows are SYNCED, and the status, method and reasons of every row
//! that is not. One fixture per rule; every person's CCCD is structurally valid for their own
//! gender and birth year unless the test is about `id_structure`.

mod common;

use common::*;
use unicode_normalization::UnicodeNormalization;

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// The ID in groups of three digits joined by `sep` (`001 085 012 345`).
fn grouped(id: &str, sep: &str) -> String {
    id.as_bytes()
        .chunks(3)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(sep)
}

#[test]
fn equal_fields_and_a_12_digit_id_are_synced_whatever_the_separators() {
    let an = cccd(1, false, 1985, 12_345);
    let mai = cccd(79, true, 1990, 4_321);
    let hung = cccd(48, false, 1972, 778_899);
    let lan = cccd(31, true, 2003, 120_034);
    let env = TestEnv::with(
        &[
            p("0101000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
            p(
                "0101000002",
                "Trần Thị Mai",
                "05/07/1990",
                "Nữ",
                &grouped(&mai, " "),
            ),
            p(
                "0101000003",
                "Lê Văn Hùng",
                "23/11/1972",
                "Nam",
                &grouped(&hung, "."),
            ),
            p(
                "0101000004",
                "Phạm Thị Lan",
                "14/02/2003",
                "Nữ",
                &grouped(&lan, "-"),
            ),
            p(
                "0101000005",
                "Nguyễn Văn An",
                "12/03/1985",
                "Nam",
                &format!(" {an} "),
            ),
        ],
        &[
            r(&an, "Nguyễn Văn An", "12/03/1985", "Nam"),
            r(&mai, "Trần Thị Mai", "05/07/1990", "Nữ"),
            r(&hung, "Lê Văn Hùng", "23/11/1972", "Nam"),
            r(&lan, "Phạm Thị Lan", "14/02/2003", "Nữ"),
        ],
    );
    let results = env.reconcile_ok();
    assert_synced(&results, "0101000002", &mai);
    assert_synced(&results, "0101000003", &hung);
    assert_synced(&results, "0101000004", &lan);
    // 0101000001 and 0101000005 name the same person: both SYNCED, flagged as duplicates.
    for code in ["0101000001", "0101000005"] {
        assert_row(&results, code, "SYNCED", &an, "id", "duplicate_person");
    }
}

#[test]
fn nfd_encoded_names_are_synced() {
    let anh = cccd(1, true, 1988, 100_001);
    let dung = cccd(36, false, 1979, 200_002);
    let huong = cccd(79, true, 1995, 300_003);
    let env = TestEnv::with(
        &[
            // Decomposed on the insurance side.
            p(
                "0101000001",
                &nfd("Nguyễn Thị Ánh"),
                "02/09/1988",
                "Nữ",
                &anh,
            ),
            p("0101000002", "Hoàng Văn Dũng", "17/04/1979", "Nam", &dung),
            // Decomposed on both sides, and the register in the other tone placement.
            p(
                "0101000003",
                &nfd("Võ Thị Hoà Hương"),
                "30/01/1995",
                "Nữ",
                &huong,
            ),
        ],
        &[
            r(&anh, "Nguyễn Thị Ánh", "02/09/1988", "Nữ"),
            // Decomposed in the register.
            r(&dung, &nfd("Hoàng Văn Dũng"), "17/04/1979", "Nam"),
            r(&huong, &nfd("Võ Thị Hòa Hương"), "30/01/1995", "Nữ"),
        ],
    );
    assert_ne!(
        nfd("Nguyễn Thị Ánh"),
        "Nguyễn Thị Ánh",
        "the fixture is really NFD"
    );
    let results = env.reconcile_ok();
    assert_synced(&results, "0101000001", &anh);
    assert_synced(&results, "0101000002", &dung);
    assert_synced(&results, "0101000003", &huong);
}

#[test]
fn hand_written_nfd_with_combining_marks_is_synced() {
    let nguyen = cccd(1, false, 1969, 456_789);
    let env = TestEnv::with(
        // "Nguyễn Văn Đức" with e + circumflex + tilde, a + breve, u + horn + acute, decomposed.
        &[p(
            "0101000001",
            "Nguye\u{0302}\u{0303}n Va\u{0306}n \u{0110}u\u{031B}\u{0301}c",
            "01/06/1969",
            "Nam",
            &nguyen,
        )],
        &[r(&nguyen, "Nguyễn Văn Đức", "01/06/1969", "Nam")],
    );
    let results = env.reconcile_ok();
    assert_synced(&results, "0101000001", &nguyen);
}

#[test]
fn both_tone_mark_placements_are_synced() {
    // (register, participant): old placement on one side, new on the other, both ways round.
    let pairs = [
        ("Nguyễn Thị Hòa", "Nguyễn Thị Hoà"),
        ("Trần Thị Hoà", "Trần Thị Hòa"),
        ("Lê Thị Thủy", "Lê Thị Thuỷ"),
        ("Phạm Thị Thuỷ", "Phạm Thị Thủy"),
        ("Đỗ Văn Khỏe", "Đỗ Văn Khoẻ"),
        ("Bùi Văn Khoẻ", "Bùi Văn Khỏe"),
        ("VŨ THỊ THÚY", "Vũ Thị Thuý"),
    ];
    let mut participants = Vec::new();
    let mut register = Vec::new();
    let mut ids = Vec::new();
    for (i, (on_register, on_file)) in pairs.iter().enumerate() {
        let female = on_register.contains("Thị") || on_register.contains("THỊ");
        let gender = if female { "Nữ" } else { "Nam" };
        let id = cccd(1, female, 1980 + i as u16, 10_000 + i as u32);
        let dob = format!("0{}/05/{}", i + 1, 1980 + i);
        let code = format!("01010000{:02}", i + 1);
        register.push(r(&id, on_register, &dob, gender));
        participants.push(p(&code, on_file, &dob, gender, &id));
        ids.push((code, id));
    }
    let env = TestEnv::with(&participants, &register);
    let results = env.reconcile_ok();
    for (code, id) in &ids {
        assert_synced(&results, code, id);
    }
}

#[test]
fn the_eth_lookalike_reads_as_d_with_stroke() {
    let lam = cccd(40, false, 1983, 11_223);
    let dao = cccd(40, true, 1986, 33_445);
    let env = TestEnv::with(
        &[
            // U+00D0 (Icelandic eth) on the insurance side.
            p(
                "0101000001",
                "\u{00D0}ặng Văn Lâm",
                "09/10/1983",
                "Nam",
                &lam,
            ),
            p("0101000002", "Đỗ Thị Đào", "21/12/1986", "Nữ", &dao),
        ],
        &[
            r(&lam, "Đặng Văn Lâm", "09/10/1983", "Nam"),
            // U+00D0 in the register.
            r(&dao, "\u{00D0}ỗ Thị \u{00D0}ào", "21/12/1986", "Nữ"),
        ],
    );
    let results = env.reconcile_ok();
    assert_synced(&results, "0101000001", &lam);
    assert_synced(&results, "0101000002", &dao);
}

#[test]
fn case_and_extra_leading_and_trailing_spaces_are_synced() {
    let binh = cccd(22, false, 1977, 654_321);
    let han = cccd(22, true, 1999, 123_987);
    let tam = cccd(38, false, 1964, 555_666);
    let env = TestEnv::with(
        &[
            p(
                "0101000001",
                "  NGUYỄN   văn   BÌNH  ",
                "15/08/1977",
                "Nam",
                &binh,
            ),
            p("0101000002", "trần thị ngọc hân", "03/03/1999", "Nữ", &han),
            p("0101000003", "Lê\tVăn  Tám", "1964", "Nam", &tam),
        ],
        &[
            r(&binh, "Nguyễn Văn Bình", "15/08/1977", "Nam"),
            r(&han, " Trần  Thị Ngọc Hân ", "03/03/1999", "Nữ"),
            r(&tam, "LÊ VĂN TÁM", "1964", "Nam"),
        ],
    );
    let results = env.reconcile_ok();
    assert_synced(&results, "0101000001", &binh);
    assert_synced(&results, "0101000002", &han);
    assert_synced(&results, "0101000003", &tam);
}

#[test]
fn a_year_only_date_on_one_side_is_diff_dob_partial() {
    let tam = cccd(1, false, 1950, 1_111);
    let nga = cccd(1, true, 1948, 2_222);
    let env = TestEnv::with(
        &[
            p("0101000001", "Lê Văn Tám", "12/03/1950", "Nam", &tam),
            p("0101000002", "Nguyễn Thị Nga", "1948", "Nữ", &nga),
        ],
        &[
            r(&tam, "Lê Văn Tám", "1950", "Nam"),
            r(&nga, "Nguyễn Thị Nga", "08/09/1948", "Nữ"),
        ],
    );
    let results = env.reconcile_ok();
    assert_row(&results, "0101000001", "DIFF", &tam, "id", "dob_partial");
    assert_row(&results, "0101000002", "DIFF", &nga, "id", "dob_partial");
}

#[test]
fn equal_dates_at_the_same_precision_are_synced_in_any_format() {
    // (register dob, participant dob): the same value at the same precision.
    let cases = [
        ("1950", "1950"),
        ("1951", "00/00/1951"),
        ("00/00/1952", "1952"),
        ("12/03/1953", "1953-03-12"),
        ("1954-07-05", "05/07/1954"),
        ("05/07/1955", "5/7/1955"),
        ("19561231", "31/12/1956"),
        ("03/1957", "00/03/1957"),
    ];
    let mut participants = Vec::new();
    let mut register = Vec::new();
    let mut ids = Vec::new();
    for (i, (on_register, on_file)) in cases.iter().enumerate() {
        let id = cccd(79, false, 1950 + i as u16, 40_000 + i as u32);
        let code = format!("02020000{:02}", i + 1);
        register.push(r(&id, "Huỳnh Văn Lợi", on_register, "Nam"));
        participants.push(p(&code, "Huỳnh Văn Lợi", on_file, "Nam", &id));
        ids.push((code, id));
    }
    let env = TestEnv::with(&participants, &register);
    let results = env.reconcile_ok();
    for ((code, id), (on_register, on_file)) in ids.iter().zip(cases) {
        let row = results.get(code);
        assert_eq!(
            (
                row.status.as_str(),
                row.reasons.as_str(),
                row.person_id.as_str()
            ),
            ("SYNCED", "", id.as_str()),
            "register {on_register:?} vs participant {on_file:?}"
        );
    }
}

#[test]
fn a_day_precise_date_never_equals_its_year() {
    // 01/01/1960 is not "1960": precision differs, so the row is not SYNCED.
    let id = cccd(1, true, 1960, 7_777);
    let env = TestEnv::with(
        &[p("0101000001", "Phan Thị Liên", "01/01/1960", "Nữ", &id)],
        &[r(&id, "Phan Thị Liên", "1960", "Nữ")],
    );
    let results = env.reconcile_ok();
    assert_row(&results, "0101000001", "DIFF", &id, "id", "dob_partial");
}

#[test]
fn unknown_gender_on_both_sides_is_synced_on_one_side_is_gender_missing() {
    let both = cccd(1, false, 1970, 1);
    let reg_only = cccd(1, false, 1971, 2);
    let file_only = cccd(1, true, 1972, 3);
    let garbage = cccd(1, true, 1973, 4);
    let env = TestEnv::with(
        &[
            p("0101000001", "Nguyễn Văn Hải", "01/01/1970", "", &both),
            p("0101000002", "Nguyễn Văn Hà", "02/02/1971", "", &reg_only),
            p(
                "0101000003",
                "Nguyễn Thị Hồng",
                "03/03/1972",
                "Nữ",
                &file_only,
            ),
            // Unreadable genders are unknown on both sides.
            p("0101000004", "Nguyễn Thị Huệ", "04/04/1973", "?", &garbage),
        ],
        &[
            r(&both, "Nguyễn Văn Hải", "01/01/1970", ""),
            r(&reg_only, "Nguyễn Văn Hà", "02/02/1971", "Nam"),
            r(&file_only, "Nguyễn Thị Hồng", "03/03/1972", ""),
            r(&garbage, "Nguyễn Thị Huệ", "04/04/1973", "khác"),
        ],
    );
    let results = env.reconcile_ok();
    assert_synced(&results, "0101000001", &both);
    assert_row(
        &results,
        "0101000002",
        "DIFF",
        &reg_only,
        "id",
        "gender_missing",
    );
    assert_row(
        &results,
        "0101000003",
        "DIFF",
        &file_only,
        "id",
        "gender_missing",
    );
    assert_synced(&results, "0101000004", &garbage);
}

#[test]
fn every_documented_gender_spelling_is_read() {
    let spellings = [
        ("Nữ", "Nữ"),
        ("Nữ", "NỮ"),
        ("Nữ", "nu"),
        ("Nữ", "F"),
        ("Nữ", "female"),
        ("nữ", &nfd("Nữ")),
        ("Nam", "NAM"),
        ("Nam", "m"),
        ("Nam", "Male"),
        ("M", "nam"),
    ];
    let mut participants = Vec::new();
    let mut register = Vec::new();
    let mut ids = Vec::new();
    for (i, (on_register, on_file)) in spellings.iter().enumerate() {
        let female = on_register.to_lowercase().starts_with('n') && on_register.contains('ữ');
        let id = cccd(92, female, 1990, 500 + i as u32);
        let code = format!("03030000{:02}", i + 1);
        let name = if female {
            "Lâm Thị Kiều"
        } else {
            "Lâm Văn Kiệt"
        };
        register.push(r(&id, name, "10/10/1990", on_register));
        participants.push(p(&code, name, "10/10/1990", on_file, &id));
        ids.push((code, id));
    }
    let env = TestEnv::with(&participants, &register);
    let results = env.reconcile_ok();
    for ((code, id), (on_register, on_file)) in ids.iter().zip(spellings) {
        let row = results.get(code);
        assert_eq!(
            (
                row.status.as_str(),
                row.reasons.as_str(),
                row.person_id.as_str()
            ),
            ("SYNCED", "", id.as_str()),
            "register {on_register:?} vs participant {on_file:?}"
        );
    }
}

#[test]
fn an_old_9_digit_id_hit_is_diff_old_id() {
    let id = cccd(1, false, 1962, 88_001);
    let env = TestEnv::with(
        &[p(
            "0101000001",
            "Ngô Văn Quý",
            "19/05/1962",
            "Nam",
            "012345678",
        )],
        &[r(&id, "Ngô Văn Quý", "19/05/1962", "Nam").old_id("012345678")],
    );
    let results = env.reconcile_ok();
    assert_row(&results, "0101000001", "DIFF", &id, "old_id", "old_id");
    let mismatches = env.mismatches();
    let row = mismatches.row_where("insurance_code", "0101000001");
    assert_eq!(mismatches.cell(row, "id_given"), "012345678");
    assert_eq!(mismatches.cell(row, "person_id"), id);
}

#[test]
fn ids_that_lost_their_leading_zeros_are_diff_id_zeros_restored() {
    let ha_noi = cccd(1, true, 1991, 234_567); // 001…: a spreadsheet shows 10 digits
    let hcm = cccd(79, false, 1993, 765_432); // 079…: 11 digits
    let env = TestEnv::with(
        &[
            p(
                "0101000001",
                "Đinh Thị Yến",
                "11/11/1991",
                "Nữ",
                ha_noi.trim_start_matches('0'),
            ),
            p(
                "0101000002",
                "Tạ Văn Phúc",
                "22/02/1993",
                "Nam",
                hcm.trim_start_matches('0'),
            ),
        ],
        &[
            r(&ha_noi, "Đinh Thị Yến", "11/11/1991", "Nữ"),
            r(&hcm, "Tạ Văn Phúc", "22/02/1993", "Nam"),
        ],
    );
    assert_eq!(ha_noi.trim_start_matches('0').len(), 10);
    assert_eq!(hcm.trim_start_matches('0').len(), 11);
    let results = env.reconcile_ok();
    assert_row(
        &results,
        "0101000001",
        "DIFF",
        &ha_noi,
        "id_restored",
        "id_zeros_restored",
    );
    assert_row(
        &results,
        "0101000002",
        "DIFF",
        &hcm,
        "id_restored",
        "id_zeros_restored",
    );
}

#[test]
fn a_wrong_or_missing_accent_is_diff_name_diacritics() {
    let hai = cccd(30, false, 1981, 10_101);
    let hoa = cccd(30, true, 1984, 20_202);
    let env = TestEnv::with(
        &[
            p("0101000001", "Nguyễn Văn Hài", "07/07/1981", "Nam", &hai),
            p("0101000002", "Tran Thi Hoa", "08/08/1984", "Nữ", &hoa),
        ],
        &[
            r(&hai, "Nguyễn Văn Hải", "07/07/1981", "Nam"),
            r(&hoa, "Trần Thị Hoa", "08/08/1984", "Nữ"),
        ],
    );
    let results = env.reconcile_ok();
    assert_row(
        &results,
        "0101000001",
        "DIFF",
        &hai,
        "id",
        "name_diacritics",
    );
    assert_row(
        &results,
        "0101000002",
        "DIFF",
        &hoa,
        "id",
        "name_diacritics",
    );
    let mismatches = env.mismatches();
    let row = mismatches.row_where("insurance_code", "0101000001");
    assert_eq!(mismatches.cell(row, "name_given"), "Nguyễn Văn Hài");
    assert_eq!(mismatches.cell(row, "name_register"), "Nguyễn Văn Hải");
}

#[test]
fn swapped_day_and_month_is_diff_dob_day_month_swapped() {
    let id = cccd(56, true, 1987, 303_030);
    let env = TestEnv::with(
        &[p("0101000001", "Dương Thị Thu", "03/12/1987", "Nữ", &id)],
        &[r(&id, "Dương Thị Thu", "12/03/1987", "Nữ")],
    );
    let results = env.reconcile_ok();
    assert_row(
        &results,
        "0101000001",
        "DIFF",
        &id,
        "id",
        "dob_day_month_swapped",
    );
    let mismatches = env.mismatches();
    let row = mismatches.row_where("insurance_code", "0101000001");
    assert_eq!(mismatches.cell(row, "dob_given"), "03/12/1987");
    assert_eq!(mismatches.cell(row, "dob_register"), "12/03/1987");
}

#[test]
fn someone_elses_id_is_not_found_id_other_person() {
    // The ID belongs to a man born in 1985, as is the participant: only name and date differ,
    // so the ID's structure does not contradict the participant.
    let hung = cccd(1, false, 1985, 909_090);
    let env = TestEnv::with(
        &[p(
            "0101000001",
            "Trần Quốc Tuấn",
            "20/08/1985",
            "Nam",
            &hung,
        )],
        &[r(&hung, "Nguyễn Văn Hùng", "12/03/1985", "Nam")],
    );
    let results = env.reconcile_ok();
    assert_row(
        &results,
        "0101000001",
        "NOT_FOUND",
        "",
        "",
        "id_other_person",
    );
    let mismatches = env.mismatches();
    let row = mismatches.row_where("insurance_code", "0101000001");
    assert_eq!(mismatches.cell(row, "person_id"), "", "nobody is linked");
    assert_eq!(mismatches.cell(row, "compared_person_id"), hung);
    assert_eq!(mismatches.cell(row, "name_register"), "Nguyễn Văn Hùng");
}

#[test]
fn a_missing_id_is_not_found_id_missing() {
    let id = cccd(1, false, 1985, 12_345);
    let env = TestEnv::with(
        &[
            p("0101000001", "Nguyễn Văn An", "12/03/1985", "Nam", ""),
            p("0101000002", "Nguyễn Văn An", "12/03/1985", "Nam", "   "),
        ],
        &[r(&id, "Nguyễn Văn An", "12/03/1985", "Nam")],
    );
    let results = env.reconcile_ok();
    assert_row(&results, "0101000001", "NOT_FOUND", "", "", "id_missing");
    assert_row(&results, "0101000002", "NOT_FOUND", "", "", "id_missing");
}

#[test]
fn scientific_notation_and_garbage_ids_are_id_malformed() {
    let id = cccd(1, false, 1985, 12_345);
    let env = TestEnv::with(
        &[
            p(
                "0101000001",
                "Nguyễn Văn An",
                "12/03/1985",
                "Nam",
                "1.23457E+11",
            ),
            p("0101000002", "Nguyễn Văn An", "12/03/1985", "Nam", "CMND"),
            p(
                "0101000003",
                "Nguyễn Văn An",
                "12/03/1985",
                "Nam",
                &format!("{id}0"),
            ),
        ],
        &[r(&id, "Nguyễn Văn An", "12/03/1985", "Nam")],
    );
    let results = env.reconcile_ok();
    for code in ["0101000001", "0101000002", "0101000003"] {
        assert_row(&results, code, "NOT_FOUND", "", "", "id_malformed");
    }
}

#[test]
fn an_unknown_12_digit_id_is_not_found_id_not_found() {
    let id = cccd(1, false, 1985, 12_345);
    let other = cccd(1, false, 1985, 12_346);
    let env = TestEnv::with(
        &[p(
            "0101000001",
            "Nguyễn Văn An",
            "12/03/1985",
            "Nam",
            &other,
        )],
        &[r(&id, "Nguyễn Văn An", "12/03/1985", "Nam")],
    );
    let results = env.reconcile_ok();
    assert_row(&results, "0101000001", "NOT_FOUND", "", "", "id_not_found");
}

#[test]
fn a_deceased_register_person_is_flagged_deceased() {
    let tam = cccd(1, false, 1940, 4_040);
    let lien = cccd(1, true, 1938, 3_838);
    let env = TestEnv::with(
        &[
            p("0101000001", "Lê Văn Tám", "1940", "Nam", &tam),
            p("0101000002", "Phan Thị Liên", "1938", "Nữ", &lien),
        ],
        &[
            r(&tam, "Lê Văn Tám", "1940", "Nam").deceased(),
            r(&lien, "Phan Thị Liên", "02/02/1938", "Nữ").deceased(),
        ],
    );
    let results = env.reconcile_ok();
    // The fields agree, so the row is SYNCED (docs/statuses-and-reasons.md); `deceased` is a flag on it.
    assert_row(&results, "0101000001", "SYNCED", &tam, "id", "deceased");
    assert_row(
        &results,
        "0101000002",
        "DIFF",
        &lien,
        "id",
        "dob_partial;deceased",
    );
}

#[test]
fn two_insurance_codes_linked_to_one_person_are_duplicate_person() {
    let id = cccd(79, true, 1982, 121_212);
    let other = cccd(79, false, 1982, 343_434);
    let env = TestEnv::with(
        &[
            p("0101000001", "Huỳnh Thị Kim Loan", "14/06/1982", "Nữ", &id),
            p("0101000002", "Lý Văn Sơn", "01/01/1982", "Nam", &other),
            p(
                "0101000003",
                "Huỳnh Thị Kim Loan",
                "14/06/1982",
                "Nữ",
                "025123456",
            ),
            p("0101000004", "Huynh Thi Kim Loan", "14/06/1982", "Nữ", &id),
        ],
        &[
            r(&id, "Huỳnh Thị Kim Loan", "14/06/1982", "Nữ").old_id("025123456"),
            r(&other, "Lý Văn Sơn", "01/01/1982", "Nam"),
        ],
    );
    let results = env.reconcile_ok();
    assert_row(
        &results,
        "0101000001",
        "SYNCED",
        &id,
        "id",
        "duplicate_person",
    );
    assert_synced(&results, "0101000002", &other);
    assert_row(
        &results,
        "0101000003",
        "DIFF",
        &id,
        "old_id",
        "old_id;duplicate_person",
    );
    assert_row(
        &results,
        "0101000004",
        "DIFF",
        &id,
        "id",
        "name_diacritics;duplicate_person",
    );

    let duplicates = env.duplicates();
    assert_eq!(
        duplicates.header,
        [
            "person_id",
            "name_register",
            "dob_register",
            "linked_codes",
            "insurance_code",
            "status"
        ]
    );
    assert_eq!(duplicates.rows.len(), 3, "{:#?}", duplicates.rows);
    let mut codes = duplicates.values("insurance_code");
    codes.sort();
    assert_eq!(codes, ["0101000001", "0101000003", "0101000004"]);
    for row in &duplicates.rows {
        assert_eq!(duplicates.cell(row, "person_id"), id);
        assert_eq!(duplicates.cell(row, "name_register"), "Huỳnh Thị Kim Loan");
        assert_eq!(duplicates.cell(row, "linked_codes"), "3");
        let code = duplicates.cell(row, "insurance_code");
        assert_eq!(duplicates.cell(row, "status"), results.get(code).status);
    }
}

#[test]
fn a_person_linked_from_a_repeated_code_and_another_code_carries_both_flags() {
    let an = cccd(1, false, 1985, 12_345);
    let env = TestEnv::with(
        &[
            p("0101000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
            p("0101000002", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
            p("0101000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
        ],
        &[r(&an, "Nguyễn Văn An", "12/03/1985", "Nam")],
    );
    let results = env.reconcile_ok();
    let reasons: Vec<&str> = results.rows.iter().map(|r| r.reasons.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "duplicate_person;duplicate_code",
            "duplicate_person",
            "duplicate_person;duplicate_code"
        ]
    );
    let duplicates = env.duplicates();
    assert_eq!(
        duplicates.values("insurance_code"),
        ["0101000001", "0101000002", "0101000001"]
    );
    // Two distinct insurance codes are linked to the person.
    assert_eq!(duplicates.values("linked_codes"), ["2", "2", "2"]);
}

#[test]
fn a_repeated_code_linked_twice_to_the_same_person_is_not_duplicate_person() {
    let an = cccd(1, false, 1985, 12_345);
    let env = TestEnv::with(
        &[
            p("0101000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
            p("0101000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
        ],
        &[r(&an, "Nguyễn Văn An", "12/03/1985", "Nam")],
    );
    let results = env.reconcile_ok();
    for row in &results.rows {
        assert_eq!(row.reasons, "duplicate_code", "{row:?}");
    }
    assert!(env.duplicates().rows.is_empty());
}

#[test]
fn the_same_insurance_code_twice_is_duplicate_code_on_both() {
    let an = cccd(1, false, 1985, 12_345);
    let mai = cccd(79, true, 1990, 4_321);
    let env = TestEnv::with(
        &[
            p("0101000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
            p("0101000002", "Trần Thị Bích", "09/09/1991", "Nữ", ""),
            p("0101000001", "Trần Thị Mai", "05/07/1990", "Nữ", &mai),
        ],
        &[
            r(&an, "Nguyễn Văn An", "12/03/1985", "Nam"),
            r(&mai, "Trần Thị Mai", "05/07/1990", "Nữ"),
        ],
    );
    let results = env.reconcile_ok();
    assert_eq!(results.codes(), ["0101000001", "0101000002", "0101000001"]);
    let twice = results.all("0101000001");
    assert_eq!(twice.len(), 2);
    assert_eq!(
        (
            twice[0].status.as_str(),
            twice[0].person_id.as_str(),
            twice[0].reasons.as_str()
        ),
        ("SYNCED", an.as_str(), "duplicate_code")
    );
    assert_eq!(
        (
            twice[1].status.as_str(),
            twice[1].person_id.as_str(),
            twice[1].reasons.as_str()
        ),
        ("SYNCED", mai.as_str(), "duplicate_code")
    );
    assert_row(&results, "0101000002", "NOT_FOUND", "", "", "id_missing");
    // Two different persons: nobody is linked twice.
    assert!(env.duplicates().rows.is_empty());
}

#[test]
fn a_cccd_contradicting_the_records_gender_or_birth_year_is_id_structure() {
    // 4th digit 1: a woman born in the 1900s, but the participant is recorded as a man.
    let woman = cccd(1, true, 1985, 600_001);
    // Digits 5-6 say 1985, the participant says 1986.
    let man = cccd(1, false, 1985, 600_002);
    // Not in the register; says a woman born in 1990, the participant is a man born in 1990.
    let unknown = cccd(1, true, 1990, 600_003);
    // Born in 2004 (4th digit 2), recorded as born in 1904 by the participant.
    let young = cccd(79, false, 2004, 600_004);
    // Whether a hit whose gender or year disagrees is still its holder is weighed with
    // weights estimated from the data: give the run a population to estimate them from.
    let (mut participants, mut register) = population(300);
    participants.extend([
        p("0101000001", "Nguyễn Thị Hạnh", "10/10/1985", "Nam", &woman),
        p("0101000002", "Trương Văn Nam", "12/03/1986", "Nam", &man),
        p("0101000003", "Võ Văn Kiệt", "01/01/1990", "Nam", &unknown),
        p("0101000004", "Mai Văn Tài", "1904", "Nam", &young),
    ]);
    register.extend([
        r(&woman, "Nguyễn Thị Hạnh", "10/10/1985", "Nữ"),
        r(&man, "Trương Văn Nam", "12/03/1985", "Nam"),
        r(&young, "Mai Văn Tài", "2004", "Nam"),
    ]);
    let env = TestEnv::with(&participants, &register);
    let results = env.reconcile_ok();
    assert_row(
        &results,
        "0101000001",
        "DIFF",
        &woman,
        "id",
        "id_structure;gender_differs",
    );
    assert_row(
        &results,
        "0101000002",
        "DIFF",
        &man,
        "id",
        "id_structure;dob_year_off",
    );
    assert_row(
        &results,
        "0101000003",
        "NOT_FOUND",
        "",
        "",
        "id_not_found;id_structure",
    );
    let row = results.get("0101000004");
    assert!(row.has_reason("id_structure"), "{row:?}");
    assert_ne!(row.status, "SYNCED", "{row:?}");
}

#[test]
fn the_synced_set_is_exactly_the_rows_that_agree_with_the_register() {
    let ids: Vec<String> = (0..12)
        .map(|i| cccd(24, i % 2 == 1, 1975 + i as u16, 70_000 + i as u32))
        .collect();
    let gender = |i: usize| if i % 2 == 1 { "Nữ" } else { "Nam" };
    let name = |i: usize| {
        if i % 2 == 1 {
            "Vi Thị Hằng"
        } else {
            "Vi Văn Thắng"
        }
    };
    let dob = |i: usize| format!("15/06/{}", 1975 + i);
    let register: Vec<R> = (0..12)
        .map(|i| r(&ids[i], name(i), &dob(i), gender(i)))
        .collect();
    let agree = |i: usize| {
        p(
            &format!("04040000{i:02}"),
            name(i),
            &dob(i),
            gender(i),
            &ids[i],
        )
    };
    // One row per person, in person order; the comment says what differs.
    let participants: Vec<P> = vec![
        agree(0),
        agree(1),
        // Accents lost.
        P {
            name: "Vi Van Thang".into(),
            ..agree(2)
        },
        // Precision lost.
        P {
            dob: "1978".into(),
            ..agree(3)
        },
        // Gender lost.
        P {
            gender: String::new(),
            ..agree(4)
        },
        // Zeros lost.
        P {
            id: ids[5].trim_start_matches('0').into(),
            ..agree(5)
        },
        // No ID.
        P {
            id: String::new(),
            ..agree(6)
        },
        agree(7),
        // Case and spaces only.
        P {
            name: " VI  VĂN THẮNG ".into(),
            ..agree(8)
        },
        // Another format, same day.
        P {
            dob: "1984-06-15".into(),
            ..agree(9)
        },
        agree(10),
        // Another gender (and the ID says Nữ).
        P {
            gender: "Nam".into(),
            ..agree(11)
        },
    ];
    let env = TestEnv::with(&participants, &register);
    let results = env.reconcile_ok();
    let synced = results.with_status("SYNCED");
    assert_eq!(
        synced,
        [
            "0404000000",
            "0404000001",
            "0404000007",
            "0404000008",
            "0404000009",
            "0404000010"
        ],
        "{:#?}",
        results.rows
    );
    for row in &results.rows {
        if row.status == "SYNCED" {
            assert_eq!(
                (row.method.as_str(), row.reasons.as_str()),
                ("id", ""),
                "{row:?}"
            );
            assert_eq!(row.person_id.len(), 12, "{row:?}");
        } else {
            assert!(
                !row.reasons.is_empty(),
                "a row that is not SYNCED says why: {row:?}"
            );
        }
    }
}
