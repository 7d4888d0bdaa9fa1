//! Every word of report.html and of the workbooks' headers, in Vietnamese and in English.
//!
//! A field is a label or a template whose `{0}`, `{1}`, … [`fill`](crate::report::language::fill)
//! replaces with values, so that each language orders a sentence its own way. The statuses'
//! and reasons' meanings are in `meaning.rs`. Codes (`SYNCED`, `id_missing`), file names and
//! column keys are never translated: they are what the auditor finds in the files.

/// The words of one language.
pub(crate) struct Words {
    // The head of the page.
    /// `<title>`; {0} the rate.
    pub(crate) title: &'static str,
    pub(crate) kicker: &'static str,
    pub(crate) heading: &'static str,
    /// {0} synced, {1} participants, {2} the rate.
    pub(crate) headline: &'static str,
    /// {0} linked participants.
    pub(crate) card_linked: &'static str,
    /// {0} the file to review them in.
    pub(crate) card_not_synced: &'static str,
    pub(crate) card_rejected: &'static str,
    /// {0} started, {1} finished, {2} version.
    pub(crate) run_line: &'static str,

    // The data-quality warning and section.
    pub(crate) participants_file: &'static str,
    pub(crate) register_file: &'static str,
    pub(crate) participants_file_title: &'static str,
    pub(crate) register_file_title: &'static str,
    pub(crate) column_empty: &'static str,
    /// {0} the share.
    pub(crate) column_unreadable: &'static str,
    /// {0} the columns.
    pub(crate) quality_warning: &'static str,
    pub(crate) quality_heading: &'static str,
    /// {0} the stopping share.
    pub(crate) quality_note: &'static str,
    pub(crate) column: &'static str,
    pub(crate) read_as: &'static str,
    pub(crate) values: &'static str,
    pub(crate) empty: &'static str,
    pub(crate) unreadable: &'static str,
    pub(crate) common_unreadable: &'static str,
    pub(crate) verdict: &'static str,
    pub(crate) verdict_warn: &'static str,
    pub(crate) verdict_empty: &'static str,
    pub(crate) verdict_stop: &'static str,
    pub(crate) verdict_read: &'static str,

    // Provinces.
    pub(crate) provinces_heading: &'static str,
    pub(crate) no_participants: &'static str,
    /// {0} the number of provinces, {1} the national rate, {2} the axis note.
    pub(crate) chart_note: &'static str,
    /// {0} where the axis starts.
    pub(crate) axis_note: &'static str,
    pub(crate) chart_label: &'static str,
    /// {0} province, {1} synced, {2} participants, {3} rate.
    pub(crate) bar_title: &'static str,
    /// {0} the national rate.
    pub(crate) national: &'static str,
    pub(crate) former_heading: &'static str,
    pub(crate) former_note: &'static str,
    /// After a province's name: its participants recorded with its current code.
    pub(crate) current_code_row: &'static str,
    pub(crate) unknown_province: &'static str,
    pub(crate) province: &'static str,
    pub(crate) code: &'static str,
    pub(crate) participants: &'static str,
    pub(crate) synced: &'static str,
    pub(crate) sync_rate: &'static str,
    pub(crate) linked: &'static str,
    pub(crate) link_rate: &'static str,
    pub(crate) details_heading: &'static str,
    pub(crate) common_reasons: &'static str,
    pub(crate) rows_to_review: &'static str,
    /// Where a province's rows are without its own workbook; {0} the column.
    pub(crate) rows_in_csv: &'static str,

    // The trend over the nights the history holds.
    pub(crate) trend_heading: &'static str,
    /// {0} the number of nights, {1} the history file.
    pub(crate) trend_note: &'static str,
    /// With tonight the only night; {0} the history file.
    pub(crate) trend_starts: &'static str,
    pub(crate) trend_chart_label: &'static str,
    /// A night's point; {0} when it ran, {1} its rate, {2} synced, {3} participants.
    pub(crate) trend_point_title: &'static str,
    /// After tonight's time in its point's title.
    pub(crate) tonight: &'static str,
    pub(crate) province_trend_heading: &'static str,
    pub(crate) province_trend_note: &'static str,
    pub(crate) trend_column: &'static str,
    pub(crate) first_night: &'static str,
    pub(crate) tonight_column: &'static str,
    /// The trend and backlog sections of a run that kept no history.
    pub(crate) no_history: &'static str,

    // The rows not SYNCED by how long they have been open.
    pub(crate) backlog_heading: &'static str,
    /// {0} the file to review them in.
    pub(crate) backlog_note: &'static str,
    /// The columns: 1 night, 2-7 nights, 8-30 nights, more than 30 nights.
    pub(crate) age_buckets: [&'static str; 4],
    pub(crate) total: &'static str,
    pub(crate) no_open_rows: &'static str,

    // Reviewers' decisions. A pair is a count's singular and plural form, `{0}` the count.
    /// {0} linked, {1} rejections, {2} stale, {3} codes in force.
    pub(crate) review_line: &'static str,
    pub(crate) review_linked: [&'static str; 2],
    pub(crate) review_rejected: [&'static str; 2],
    pub(crate) review_stale: [&'static str; 2],
    pub(crate) review_in_force: [&'static str; 2],

    // Statuses, reasons, schemes.
    pub(crate) statuses_heading: &'static str,
    pub(crate) status: &'static str,
    pub(crate) meaning: &'static str,
    pub(crate) rows: &'static str,
    pub(crate) share: &'static str,
    pub(crate) reasons_heading: &'static str,
    pub(crate) no_reasons: &'static str,
    pub(crate) reasons_note: &'static str,
    pub(crate) reason: &'static str,
    pub(crate) share_of_participants: &'static str,
    pub(crate) schemes_heading: &'static str,
    pub(crate) no_schemes: &'static str,
    pub(crate) scheme: &'static str,
    pub(crate) no_scheme: &'static str,

    // Changes since the previous run.
    pub(crate) changes_heading: &'static str,
    pub(crate) no_previous_run: &'static str,
    /// {0} why.
    pub(crate) no_changes: &'static str,
    /// {0} when the previous run started.
    pub(crate) previous_note: &'static str,
    /// {0} then, {1} now, {2} the change.
    pub(crate) rate_change: &'static str,
    pub(crate) previous: &'static str,
    pub(crate) now: &'static str,
    pub(crate) change: &'static str,
    pub(crate) participants_row: &'static str,
    /// Percentage points, after a number.
    pub(crate) points: &'static str,

    // Examples and files.
    pub(crate) examples_heading: &'static str,
    pub(crate) file_mismatches_xlsx: &'static str,
    pub(crate) file_mismatches: &'static str,
    pub(crate) file_results: &'static str,
    pub(crate) file_rejects: &'static str,
    pub(crate) file_duplicates: &'static str,
    pub(crate) file_summary: &'static str,
    pub(crate) file_changes: &'static str,
    pub(crate) no_examples: &'static str,
    pub(crate) examples_note: &'static str,
    /// {0} status, {1} shown, {2} all, {3} the file.
    pub(crate) examples_of_status: &'static str,
    pub(crate) line: &'static str,
    pub(crate) insurance_code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) reasons: &'static str,
    pub(crate) person_id: &'static str,

    // The run.
    pub(crate) run_heading: &'static str,
    pub(crate) started: &'static str,
    pub(crate) finished: &'static str,
    pub(crate) elapsed: &'static str,
    pub(crate) threads: &'static str,
    pub(crate) tool: &'static str,
    /// {0} size, {1} rows.
    pub(crate) input_rows: &'static str,
    /// {0} persons.
    pub(crate) input_persons: &'static str,
    /// {0} deceased.
    pub(crate) input_deceased: &'static str,
    pub(crate) bytes: &'static str,
    /// Hours, minutes, seconds, after a number.
    pub(crate) hours: &'static str,
    pub(crate) minutes: &'static str,
    pub(crate) seconds: &'static str,

    // The workbooks.
    /// The first sheet; the next are `{sheet} 2`, `{sheet} 3`, ….
    pub(crate) sheet: &'static str,
    /// The workbooks' headers: a mismatches.csv column's name and its label in this language.
    /// A column without one is headed by its name.
    pub(crate) column_labels: &'static [(&'static str, &'static str)],
    /// The two decisions a reviewer picks in a workbook: confirm, reject.
    pub(crate) decisions: [&'static str; 2],
}

impl Words {
    /// The header of the workbook column made from mismatches.csv's column `name`.
    pub(crate) fn column_label(&self, name: &'static str) -> &'static str {
        self.column_labels
            .iter()
            .find(|(column, _)| *column == name)
            .map_or(name, |(_, label)| label)
    }
}

/// Vietnamese, the default.
pub(crate) const VIETNAMESE: Words = Words {
    title: "Báo cáo popsync: tỷ lệ đồng bộ {0}",
    kicker: "popsync · đối chiếu người tham gia bảo hiểm với Cơ sở dữ liệu quốc gia về dân cư",
    heading: "Báo cáo đồng bộ dữ liệu",
    headline: "{0} trên {1} người tham gia đã đồng bộ: {2}",
    card_linked: "đã liên kết với một người trong CSDL dân cư ({0} người tham gia)",
    card_not_synced: "chưa đồng bộ: cần rà soát trong {0}",
    card_rejected: "dòng bị loại vì không đọc được (rejects.csv)",
    run_line: "Bắt đầu {0} · kết thúc {1} · popsync {2}",

    participants_file: "tệp dữ liệu người tham gia",
    register_file: "tệp dữ liệu dân cư",
    participants_file_title: "Tệp dữ liệu người tham gia",
    register_file_title: "Tệp dữ liệu dân cư",
    column_empty: "trống ở mọi dòng",
    column_unreadable: "có {0} giá trị không đọc được",
    quality_warning: "<strong>Cảnh báo chất lượng dữ liệu.</strong> Các số liệu dưới đây được \
        tính từ những cột có một phần không đọc được hoặc bị trống: {0}. Xem \
        <a href=\"#quality\">Chất lượng dữ liệu đầu vào</a>.",
    quality_heading: "Chất lượng dữ liệu đầu vào",
    quality_note: "Kết quả popsync đọc từng cột. Nếu một cột có trên {0} số giá trị (không tính \
        ô trống) không đọc được thì lần chạy bị dừng; cột có tỷ lệ này trên một phần tư mức đó được \
        nêu tại đây và trong nhật ký.",
    column: "Cột",
    read_as: "Đọc thành",
    values: "Số giá trị",
    empty: "Trống",
    unreadable: "Không đọc được",
    common_unreadable: "Giá trị không đọc được thường gặp nhất",
    verdict: "Đánh giá",
    verdict_warn: "một phần không đọc được",
    verdict_empty: "trống",
    verdict_stop: "không đọc được",
    verdict_read: "đọc được",

    provinces_heading: "Tỷ lệ đồng bộ theo tỉnh, thành phố",
    no_participants: "Không có người tham gia.",
    chart_note: "{0} tỉnh, thành phố hiện nay (theo Nghị quyết số 202/2025/QH15), xếp từ tỷ lệ \
        thấp nhất. Đường nét đứt là tỷ lệ toàn quốc, {1}; thanh màu cam: thấp hơn tỷ lệ toàn quốc \
        trên 1 điểm phần trăm; thanh màu đỏ: thấp hơn trên 5 điểm phần trăm.{2}",
    axis_note: " Trục bắt đầu từ {0}, không phải từ 0.",
    chart_label: "Tỷ lệ đồng bộ theo tỉnh, thành phố, xếp từ thấp đến cao",
    bar_title: "{0}: đã đồng bộ {1} trên {2} người tham gia, đạt {3}",
    national: "toàn quốc {0}",
    former_heading: "Tỉnh, thành phố hiện nay và các tỉnh, thành phố trước sắp xếp",
    former_note: "Mỗi tỉnh, thành phố hiện nay, kèm theo người tham gia của tỉnh, thành phố đó \
        chia theo mã tỉnh cũ ghi trong hồ sơ, để có thể so sánh số liệu với các báo cáo lập trước \
        ngày 01/7/2025.",
    current_code_row: "mã hiện nay",
    unknown_province: "Không rõ tỉnh",
    province: "Tỉnh, thành phố",
    code: "Mã",
    participants: "Người tham gia",
    synced: "Đã đồng bộ",
    sync_rate: "Tỷ lệ đồng bộ",
    linked: "Đã liên kết",
    link_rate: "Tỷ lệ liên kết",
    details_heading: "Trạng thái và lý do theo từng tỉnh, thành phố",
    common_reasons: "Lý do thường gặp nhất",
    rows_to_review: "Danh sách cần rà soát",
    rows_in_csv: "mismatches.csv, cột {0}",

    trend_heading: "Diễn biến tỷ lệ đồng bộ",
    trend_note: "Tỷ lệ đồng bộ toàn quốc qua {0} lần chạy gần nhất có trong lịch sử \
        (<code>{1}</code>); lần chạy đêm nay là điểm cuối cùng bên phải.",
    trend_starts: "Diễn biến bắt đầu từ đêm nay: lịch sử (<code>{0}</code>) chưa có lần chạy \
        nào trước đó. Diễn biến theo từng tỉnh, thành phố được hiển thị từ lần chạy thứ hai.",
    trend_chart_label: "Tỷ lệ đồng bộ toàn quốc qua các lần chạy",
    trend_point_title: "{0}: tỷ lệ đồng bộ {1} ({2} trên {3} người tham gia)",
    tonight: "đêm nay",
    province_trend_heading: "Diễn biến theo tỉnh, thành phố",
    province_trend_note: "Tỷ lệ đồng bộ của từng tỉnh, thành phố qua cùng các lần chạy, xếp từ \
        tỷ lệ đêm nay thấp nhất như biểu đồ theo tỉnh ở trên. Mỗi đường nhỏ có thang riêng (cao ít \
        nhất 2 điểm phần trăm) để thấy chiều tăng, giảm; so sánh giữa các tỉnh, thành phố theo các \
        cột số.",
    trend_column: "Diễn biến",
    first_night: "Lần chạy đầu",
    tonight_column: "Đêm nay",
    no_history: "Lần chạy này không lưu lịch sử (<code>--no-history</code> hoặc \
        <code>no_history = true</code> trong tệp cấu hình), nên không có diễn biến qua các lần \
        chạy và không tính được thời gian tồn đọng của các dòng chưa đồng bộ.",

    backlog_heading: "Các dòng chưa đồng bộ theo thời gian tồn đọng",
    backlog_note: "Mỗi dòng chưa SYNCED được tính từ lần chạy đầu tiên dòng đó chưa đồng bộ, kể \
        cả đêm nay; số đêm là số lần chạy có trong lịch sử. Các dòng này cần rà soát trong {0}.",
    age_buckets: ["1 đêm", "2–7 đêm", "8–30 đêm", "trên 30 đêm"],
    total: "Tổng cộng",
    no_open_rows: "Không còn dòng nào chưa đồng bộ.",

    review_line: "Quyết định của người kiểm tra: {0}, {1}, {2}; {3}.",
    review_linked: [
        "{0} dòng được liên kết theo quyết định xác nhận",
        "{0} dòng được liên kết theo quyết định xác nhận",
    ],
    review_rejected: [
        "{0} quyết định từ chối đã được áp dụng",
        "{0} quyết định từ chối đã được áp dụng",
    ],
    review_stale: [
        "{0} quyết định không còn phù hợp nên không được áp dụng, cần kiểm tra lại (lý do \
         <code>review_stale</code>)",
        "{0} quyết định không còn phù hợp nên không được áp dụng, cần kiểm tra lại (lý do \
         <code>review_stale</code>)",
    ],
    review_in_force: [
        "{0} mã số BHXH đang có quyết định còn hiệu lực",
        "{0} mã số BHXH đang có quyết định còn hiệu lực",
    ],

    statuses_heading: "Trạng thái",
    status: "Trạng thái",
    meaning: "Ý nghĩa",
    rows: "Số dòng",
    share: "Tỷ lệ",
    reasons_heading: "Lý do",
    no_reasons: "Không dòng nào có mã lý do.",
    reasons_note: "Một dòng có thể có nhiều lý do; lý do không xuất hiện ở dòng nào thì không được \
        liệt kê.",
    reason: "Lý do",
    share_of_participants: "Tỷ lệ trên số người tham gia",
    schemes_heading: "Theo nhóm đối tượng",
    no_schemes: "Không có nhóm đối tượng nào được ghi nhận.",
    scheme: "Nhóm đối tượng",
    no_scheme: "(không có)",

    changes_heading: "Thay đổi so với lần chạy trước",
    no_previous_run: "không có lần chạy trước để so sánh",
    no_changes: "Không hiển thị thay đổi: {0}.",
    previous_note: "Lần chạy trước bắt đầu {0}; các dòng đổi trạng thái có trong \
        <a href=\"changes.csv\">changes.csv</a>.",
    rate_change: "Tỷ lệ đồng bộ: trước {0}, nay {1} ({2})",
    previous: "Trước",
    now: "Nay",
    change: "Thay đổi",
    participants_row: "người tham gia",
    points: "điểm phần trăm",

    examples_heading: "Dòng ví dụ và các tệp",
    file_mismatches_xlsx: "danh sách chưa đồng bộ dạng bảng tính, để rà soát",
    file_mismatches: "mọi dòng chưa SYNCED, kèm dữ liệu đối chiếu từ CSDL dân cư",
    file_results: "mọi dòng kèm trạng thái",
    file_rejects: "các dòng không đọc được",
    file_duplicates: "người trong CSDL dân cư được liên kết với nhiều mã số BHXH",
    file_summary: "toàn bộ số liệu của trang này",
    file_changes: "các dòng đổi trạng thái so với lần chạy trước",
    no_examples: "Không có dòng ví dụ.",
    examples_note: "Các dòng đầu tiên của mỗi trạng thái, theo thứ tự trong tệp; cột Dòng là số \
        thứ tự dòng trong tệp dữ liệu người tham gia.",
    examples_of_status: "{0}: {1} dòng đầu tiên trên tổng số {2} (xem đầy đủ trong {3})",
    line: "Dòng",
    insurance_code: "Mã số BHXH",
    name: "Họ tên",
    reasons: "Lý do",
    person_id: "Số định danh cá nhân",

    run_heading: "Lần chạy",
    started: "Bắt đầu",
    finished: "Kết thúc",
    elapsed: "Thời gian chạy",
    threads: "Số luồng",
    tool: "Công cụ",
    input_rows: "{0}, {1} dòng",
    input_persons: ", {0} người",
    input_deceased: ", {0} người đã chết",
    bytes: "byte",
    hours: "giờ",
    minutes: "phút",
    seconds: "giây",

    sheet: "chưa đồng bộ",
    column_labels: &[
        ("decision", "Quyết định"),
        ("decision_person_id", "Số định danh được quyết định"),
        ("reviewer", "Người kiểm tra"),
        ("note", "Ghi chú"),
        ("status", "Trạng thái"),
        ("reasons", "Lý do"),
        ("reasons_meaning", "Ý nghĩa của lý do"),
        ("insurance_code", "Mã số BHXH"),
        ("line", "Dòng"),
        ("id_given", "Số định danh trong hồ sơ"),
        ("person_id", "Số định danh đã liên kết hoặc được gợi ý"),
        ("name_given", "Họ tên trong hồ sơ"),
        ("name_register", "Họ tên theo CSDL dân cư"),
        ("dob_given", "Ngày sinh trong hồ sơ"),
        ("dob_register", "Ngày sinh theo CSDL dân cư"),
        ("gender_given", "Giới tính trong hồ sơ"),
        ("gender_register", "Giới tính theo CSDL dân cư"),
        ("province_code", "Mã tỉnh trong hồ sơ"),
        ("current_province_code", "Mã tỉnh hiện nay"),
        ("province", "Tỉnh trong hồ sơ"),
        ("province_register", "Tỉnh theo CSDL dân cư"),
        ("scheme", "Nhóm đối tượng"),
        ("candidates", "Những người có thể trùng khớp"),
        ("detail", "Chi tiết"),
        ("score", "Điểm khớp"),
        ("method", "Cách liên kết"),
        ("compared_person_id", "Số định danh được đối chiếu"),
        ("name_level", "Mức khớp họ tên"),
        ("dob_level", "Mức khớp ngày sinh"),
        ("gender_level", "Mức khớp giới tính"),
        ("province_level", "Mức khớp tỉnh"),
        ("name_weight", "Trọng số họ tên"),
        ("dob_weight", "Trọng số ngày sinh"),
        ("gender_weight", "Trọng số giới tính"),
        ("province_weight", "Trọng số tỉnh"),
        ("id_weight", "Trọng số của số định danh"),
        ("linked_weight", "Trọng số liên kết"),
    ],
    decisions: ["xác nhận", "từ chối"],
};

/// English.
pub(crate) const ENGLISH: Words = Words {
    title: "popsync report: synchronization {0}",
    kicker: "popsync · insurance participants against the National Population Database",
    heading: "Synchronization report",
    headline: "{0} of {1} participants synchronized: {2}",
    card_linked: "linked to a register person ({0} participants)",
    card_not_synced: "not synchronized: to review in {0}",
    card_rejected: "rows rejected as unreadable (rejects.csv)",
    run_line: "Run started {0} · finished {1} · popsync {2}",

    participants_file: "participants file",
    register_file: "register file",
    participants_file_title: "Participants file",
    register_file_title: "Register file",
    column_empty: "is empty on every row",
    column_unreadable: "has {0} of its values unreadable",
    quality_warning: "<strong>Data-quality warning.</strong> The figures below are made from \
        columns that are partly unreadable or empty: {0}. See \
        <a href=\"#quality\">Data quality of the inputs</a>.",
    quality_heading: "Data quality of the inputs",
    quality_note: "Each column as popsync read it. A column with more than {0} of its non-empty \
        values unreadable stops the run; one with more than a quarter of that is reported here \
        and in the log.",
    column: "Column",
    read_as: "Read as",
    values: "Values",
    empty: "Empty",
    unreadable: "Unreadable",
    common_unreadable: "Most common unreadable",
    verdict: "Verdict",
    verdict_warn: "partly unreadable",
    verdict_empty: "empty",
    verdict_stop: "unreadable",
    verdict_read: "read",

    provinces_heading: "Synchronization rate by province",
    no_participants: "No participants.",
    chart_note: "The {0} current provinces (Resolution 202/2025/QH15), lowest rate first. The \
        dashed line is the national rate, {1}; bars in orange are more than 1 point below it, in \
        red more than 5 points below.{2}",
    axis_note: " The axis starts at {0}, not 0.",
    chart_label: "Synchronization rate by province, lowest first",
    bar_title: "{0}: {1} of {2} synchronized, {3}",
    national: "national {0}",
    former_heading: "Provinces and the former provinces they absorbed",
    former_note: "Each current province, then its participants by the former province code \
        they were recorded with, so the figures can be compared with reports made before \
        1 July 2025.",
    current_code_row: "current code",
    unknown_province: "unknown province",
    province: "Province",
    code: "Code",
    participants: "Participants",
    synced: "Synced",
    sync_rate: "Sync rate",
    linked: "Linked",
    link_rate: "Link rate",
    details_heading: "Each province: statuses and reasons",
    common_reasons: "Most common reasons",
    rows_to_review: "Rows to review",
    rows_in_csv: "mismatches.csv, column {0}",

    trend_heading: "Synchronization rate over the nights",
    trend_note: "The national synchronization rate over the last {0} nights the history holds \
        (<code>{1}</code>); tonight is the last point, on the right.",
    trend_starts: "The trend starts tonight: the history (<code>{0}</code>) holds no earlier \
        night. Each province's trend is shown from the second night on.",
    trend_chart_label: "National synchronization rate over the nights",
    trend_point_title: "{0}: {1} synchronized ({2} of {3} participants)",
    tonight: "tonight",
    province_trend_heading: "Each province over the nights",
    province_trend_note: "Each province's synchronization rate over the same nights, lowest \
        tonight first as in the provinces chart above. Each small line has its own scale (at \
        least 2 points high) to show the direction; compare provinces by the figures.",
    trend_column: "Trend",
    first_night: "First night",
    tonight_column: "Tonight",
    no_history: "This run kept no history (<code>--no-history</code>, or \
        <code>no_history = true</code> in its config), so there is no trend over the nights and \
        no age of the rows not synchronized.",

    backlog_heading: "Rows not synchronized, by how long they have been open",
    backlog_note: "Each row that is not SYNCED counts from the first night it was so, tonight \
        included; the nights are the runs the history holds. The rows are to review in {0}.",
    age_buckets: [
        "1 night",
        "2–7 nights",
        "8–30 nights",
        "more than 30 nights",
    ],
    total: "Total",
    no_open_rows: "No row is open: every row is SYNCED.",

    review_line: "Reviewers' decisions: {0}, {1}, {2}; {3}.",
    review_linked: [
        "{0} row linked by confirmation",
        "{0} rows linked by confirmation",
    ],
    review_rejected: ["{0} rejection applied", "{0} rejections applied"],
    review_stale: [
        "{0} stale decision to review again (reason <code>review_stale</code>)",
        "{0} stale decisions to review again (reason <code>review_stale</code>)",
    ],
    review_in_force: [
        "{0} insurance code has a decision in force",
        "{0} insurance codes have a decision in force",
    ],

    statuses_heading: "Statuses",
    status: "Status",
    meaning: "Meaning",
    rows: "Rows",
    share: "Share",
    reasons_heading: "Reasons",
    no_reasons: "No row has a reason code.",
    reasons_note: "A row can have several reasons; reasons that no row has are not listed.",
    reason: "Reason",
    share_of_participants: "Share of participants",
    schemes_heading: "By scheme",
    no_schemes: "No scheme recorded.",
    scheme: "Scheme",
    no_scheme: "(none)",

    changes_heading: "Changes since the previous run",
    no_previous_run: "there is no previous run to compare with",
    no_changes: "No changes are shown: {0}.",
    previous_note: "Previous run started {0}; rows whose status changed are in \
        <a href=\"changes.csv\">changes.csv</a>.",
    rate_change: "Synchronization rate: {0} then, {1} now ({2})",
    previous: "Previous",
    now: "Now",
    change: "Change",
    participants_row: "participants",
    points: "pp",

    examples_heading: "Example rows and the files",
    file_mismatches_xlsx: "the mismatch list as a workbook, for review",
    file_mismatches: "every row that is not SYNCED, side by side with the register",
    file_results: "every row with its status",
    file_rejects: "unreadable rows",
    file_duplicates: "register persons linked from several insurance codes",
    file_summary: "all the figures of this page",
    file_changes: "rows whose status changed since the previous run",
    no_examples: "No example rows.",
    examples_note: "The first rows of each status, in input order; the line is the line in the \
        participants file.",
    examples_of_status: "{0}: first {1} of {2} (all in {3})",
    line: "Line",
    insurance_code: "Insurance code",
    name: "Name",
    reasons: "Reasons",
    person_id: "Person ID",

    run_heading: "Run",
    started: "Started",
    finished: "Finished",
    elapsed: "Elapsed",
    threads: "Threads",
    tool: "Tool",
    input_rows: "{0}, {1} rows",
    input_persons: ", {0} persons",
    input_deceased: ", {0} deceased",
    bytes: "bytes",
    hours: "h",
    minutes: "min",
    seconds: "s",

    sheet: "mismatches",
    // The English headers are mismatches.csv's own column names, so one description
    // (docs/outputs.md) serves both files.
    column_labels: &[],
    decisions: ["confirm", "reject"],
};
