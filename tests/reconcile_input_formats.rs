//! docs/input.md: other schemas through a `--config` column mapping (a name joined from
//! family / middle / given columns), other delimiters, and the file shapes real exports have
//! (a BOM, CRLF line ends, headers in another case and order, extra columns).

mod common;

use common::*;

/// The example config of docs/input.md, plus gender and the register's joined name.
const CONFIG: &str = r#"
id_format = "cccd"

[participants.columns]
insurance_code = "MA_SO_BHXH"
full_name = ["HO", "TEN_DEM", "TEN"]
dob = "NGAY_SINH"
gender = "GIOI_TINH"
person_id = "SO_CCCD"
province_code = "MA_TINH"

[register.columns]
person_id = "SO_DINH_DANH"
old_id = "SO_CMND"
full_name = ["HO", "TEN_DEM", "TEN"]
dob = "NGAY_SINH"
gender = "GIOI_TINH"
"#;

#[test]
fn a_config_maps_columns_joins_name_parts_and_reads_semicolons() {
    let an = cccd(1, false, 1985, 12_345);
    let tam = cccd(1, false, 1950, 1_111);
    let mai = cccd(79, true, 1990, 4_321);
    let quy = cccd(1, false, 1962, 88_001);
    let env = TestEnv::new();
    env.write("mapping.toml", CONFIG);
    env.write(
        "participants.csv",
        format!(
            "MA_SO_BHXH;HO;TEN_DEM;TEN;NGAY_SINH;GIOI_TINH;SO_CCCD;MA_TINH;GHI_CHU\n\
             1701000001;Nguyễn;Văn;An;12/03/1985;Nam;{an};001;đã đối chiếu\n\
             1701000002;Lê;;Tám;1950;Nam;{tam};010;\n\
             1701000003;Trần;Thị;Mai;1990;Nữ;{mai};079;ghi chú; có dấu chấm phẩy\n\
             1701000004;Ngô;Văn;Quý;19/05/1962;Nam;012345678;001;\n"
        ),
    );
    env.write(
        "register.csv",
        format!(
            "SO_DINH_DANH;SO_CMND;HO;TEN_DEM;TEN;NGAY_SINH;GIOI_TINH\n\
             {an};;Nguyễn;Văn;An;12/03/1985;Nam\n\
             {tam};;Lê;;Tám;1950;Nam\n\
             {mai};;Trần;Thị;Mai;05/07/1990;Nữ\n\
             {quy};012345678;Ngô;Văn;Quý;19/05/1962;Nam\n"
        ),
    );
    env.reconcile(&["--config", "mapping.toml", "--delimiter", ";"])
        .expect_code(0);
    let results = env.results();
    assert_eq!(
        results.codes(),
        ["1701000001", "1701000002", "1701000003", "1701000004"]
    );
    assert_synced(&results, "1701000001", &an);
    // An empty middle name joins as "Lê Tám", not "Lê  Tám".
    assert_synced(&results, "1701000002", &tam);
    assert_row(&results, "1701000003", "REJECTED", "", "", "");
    assert_row(&results, "1701000004", "DIFF", &quy, "old_id", "old_id");

    let mismatches = env.mismatches();
    let row = mismatches.row_where("insurance_code", "1701000004");
    assert_eq!(mismatches.cell(row, "name_given"), "Ngô Văn Quý");
    assert_eq!(mismatches.cell(row, "name_register"), "Ngô Văn Quý");
    assert_eq!(mismatches.cell(row, "id_given"), "012345678");
    // Outputs stay comma-separated whatever the input delimiter.
    let raw = String::from_utf8(env.read_out("results.csv")).unwrap();
    assert!(
        raw.starts_with("insurance_code,status,person_id,method,score,reasons\n"),
        "{raw}"
    );
}

#[test]
fn a_mapped_column_missing_from_the_file_is_named() {
    let env = TestEnv::new();
    env.write("mapping.toml", CONFIG);
    env.write(
        "participants.csv",
        "MA_SO_BHXH;HO;TEN;NGAY_SINH;SO_CCCD\n1701000001;Nguyễn;An;12/03/1985;001085012345\n",
    );
    env.write(
        "register.csv",
        "SO_DINH_DANH;SO_CMND;HO;TEN_DEM;TEN;NGAY_SINH;GIOI_TINH\n001085012345;;Nguyễn;Văn;An;12/03/1985;Nam\n",
    );
    let run = env.reconcile(&["--config", "mapping.toml", "--delimiter", ";"]);
    run.expect_code(1);
    assert!(run.stderr.contains("participants.csv"), "{}", run.stderr);
    assert!(run.stderr.contains("TEN_DEM"), "{}", run.stderr);
    assert!(!env.out().join("results.csv").exists());
}

#[test]
fn tab_separated_files_are_read_with_delimiter_tab() {
    let an = cccd(1, false, 1985, 12_345);
    let env = TestEnv::new();
    env.write(
        "participants.csv",
        format!(
            "{}\n1801000001\tNguyễn Văn An\t12/03/1985\tNam\t{an}\t001\tcompulsory\n",
            PARTICIPANTS_HEADER.join("\t")
        ),
    );
    env.write(
        "register.csv",
        format!(
            "{}\n{an}\t\tNguyễn Văn An\t12/03/1985\tNam\t001\talive\n",
            REGISTER_HEADER.join("\t")
        ),
    );
    env.reconcile(&["--delimiter", "tab"]).expect_code(0);
    assert_synced(&env.results(), "1801000001", &an);
}

#[test]
fn a_bom_crlf_and_headers_in_another_case_and_order_are_read() {
    let an = cccd(1, false, 1985, 12_345);
    let mai = cccd(79, true, 1990, 4_321);
    let env = TestEnv::new();
    // Saved by a spreadsheet: BOM, CRLF, upper-case headers in another order, an extra column.
    let participants = format!(
        "\u{FEFF}FULL_NAME,Insurance_Code,DOB,Person_ID,Gender,Ghi_Chu\r\n\
         Nguyễn Văn An,1901000001,12/03/1985,{an},Nam,x\r\n\
         Trần Thị Mai,1901000002,05/07/1990,{mai},Nữ,y\r\n"
    );
    env.write("participants.csv", participants);
    env.write(
        "register.csv",
        format!(
            "\u{FEFF}Person_ID,Full_Name,DOB,Gender,Extra\r\n\
             {an},Nguyễn Văn An,12/03/1985,Nam,1\r\n\
             {mai},Trần Thị Mai,05/07/1990,Nữ,2\r\n"
        ),
    );
    env.reconcile(&[]).expect_code(0);
    let results = env.results();
    assert_eq!(results.codes(), ["1901000001", "1901000002"]);
    assert_synced(&results, "1901000001", &an);
    assert_synced(&results, "1901000002", &mai);
    assert!(env.rejects().rows.is_empty());
}

#[test]
fn bytes_that_are_not_utf8_in_an_ignored_column_do_not_reject_the_row() {
    let an = cccd(1, false, 1985, 12_345);
    let env = TestEnv::new();
    let text = format!(
        "insurance_code,full_name,dob,gender,person_id,ghi_chu\n\
         2001000001,Nguyễn Văn An,12/03/1985,Nam,{an},Ghi ch<BAD>\n"
    );
    env.write("participants.csv", with_bytes(&text, "<BAD>", b"\xFA"));
    env.write_register(&[r(&an, "Nguyễn Văn An", "12/03/1985", "Nam")]);
    env.reconcile(&[]).expect_code(0);
    assert_synced(&env.results(), "2001000001", &an);
    assert!(env.rejects().rows.is_empty());
}

#[test]
fn opaque_ids_are_compared_exactly_with_id_format_any() {
    let env = TestEnv::with(
        &[
            p(
                "2101000001",
                "Nguyễn Văn An",
                "12/03/1985",
                "Nam",
                " HC-000123 ",
            ),
            p(
                "2101000002",
                "Trần Thị Mai",
                "05/07/1990",
                "Nữ",
                "HC-000789",
            ),
        ],
        &[
            r("HC-000123", "Nguyễn Văn An", "12/03/1985", "Nam"),
            r("HC-000456", "Trần Thị Mai", "05/07/1990", "Nữ"),
        ],
    );
    env.reconcile(&["--id-format", "any"]).expect_code(0);
    let results = env.results();
    assert_synced(&results, "2101000001", "HC-000123");
    assert_row(&results, "2101000002", "NOT_FOUND", "", "", "id_not_found");
}
