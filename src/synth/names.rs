//! Vietnamese name tables with their frequencies, and weighted sampling from them.
//!
//! Weights are relative frequencies. Family names are in hundredths of a percent of the
//! population (the table sums to about 10,000): Nguyễn ~38%, Trần ~11%, Lê ~9.5%, Phạm ~7%,
//! the regional pairs Hoàng/Huỳnh and Vũ/Võ, then a long tail down to rare names such as Quách.
//! Middle names are gendered (Thị for most women, Văn for many men). Given names are gendered
//! too, a few hundred in all, and include the syllables `oa`, `oe`, `uy` whose tone mark has two
//! placements in use (Hòa/Hoà, Khỏe/Khoẻ, Thủy/Thuỷ): the tables hold the "old" placement, the
//! one the canonical form of names uses. Every entry is NFC (a test checks it).

use std::sync::OnceLock;

use super::spelling::toggle_tone_placement;
use crate::rng::Rng;

/// Family names, with compound ones (Tôn Thất, Âu Dương) as one entry.
const FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 3800),
    ("Trần", 1100),
    ("Lê", 950),
    ("Phạm", 700),
    ("Hoàng", 300),
    ("Huỳnh", 210),
    ("Phan", 450),
    ("Vũ", 200),
    ("Võ", 190),
    ("Trương", 100),
    ("Bùi", 200),
    ("Đặng", 210),
    ("Đỗ", 140),
    ("Ngô", 130),
    ("Hồ", 130),
    ("Dương", 100),
    ("Lý", 50),
    ("Đinh", 100),
    ("Đoàn", 80),
    ("Đào", 80),
    ("Mai", 60),
    ("Trịnh", 60),
    ("Lương", 50),
    ("Cao", 50),
    ("Hà", 50),
    ("Lâm", 50),
    ("Lưu", 40),
    ("Tạ", 30),
    ("Phùng", 30),
    ("Châu", 30),
    ("Triệu", 25),
    ("Chu", 25),
    ("Tô", 25),
    ("Thái", 25),
    ("Nông", 14),
    ("La", 10),
    ("Lại", 10),
    ("Kiều", 10),
    ("Đàm", 10),
    ("Vương", 10),
    ("Tăng", 10),
    ("Văn", 8),
    ("Thân", 8),
    ("Giang", 8),
    ("Bế", 5),
    ("Thạch", 5),
    ("Danh", 5),
    ("Sơn", 5),
    ("Quách", 5),
    ("Lục", 5),
    ("Ông", 5),
    ("Tôn", 5),
    ("Kim", 5),
    ("Từ", 5),
    ("Mạc", 5),
    ("Hứa", 5),
    ("Diệp", 5),
    ("Nghiêm", 5),
    ("Lò", 5),
    ("Âu", 4),
    ("Doãn", 3),
    ("Khúc", 3),
    ("Khổng", 3),
    ("Hầu", 3),
    ("Lã", 3),
    ("Ninh", 3),
    ("Quan", 3),
    ("Mã", 3),
    ("Lữ", 3),
    ("Vi", 3),
    ("Cù", 2),
    ("Kha", 2),
    ("Ôn", 2),
    ("Trình", 2),
    ("Phó", 2),
    ("Thiều", 2),
    ("Viên", 2),
    ("Ung", 2),
    ("Tôn Thất", 2),
    ("Nguyễn Phúc", 2),
    ("Âu Dương", 1),
    ("Biện", 1),
    ("Ưng", 1),
];

const MIDDLE_FEMALE: &[(&str, u32)] = &[
    ("Thị", 5800),
    ("Ngọc", 700),
    ("Thanh", 400),
    ("Thu", 350),
    ("Kim", 250),
    ("Minh", 200),
    ("Hồng", 200),
    ("Thùy", 200),
    ("Phương", 150),
    ("Mỹ", 150),
    ("Bảo", 150),
    ("Hoài", 120),
    ("Thúy", 100),
    ("Khánh", 80),
    ("Bích", 80),
    ("Xuân", 80),
    ("Diệu", 60),
    ("Tuyết", 60),
    ("Ánh", 60),
    ("Quỳnh", 60),
    ("Hải", 60),
    ("Mai", 60),
    ("Như", 60),
    ("Gia", 60),
    ("Kiều", 50),
    ("Lan", 40),
    ("Cẩm", 40),
    ("Hà", 40),
    ("Hương", 40),
    ("Trúc", 40),
    ("Tú", 40),
    ("Lệ", 40),
    ("Nhã", 40),
    ("An", 40),
    ("Hoàng", 40),
    ("Tường", 30),
    ("Vân", 30),
    ("Yến", 30),
    ("Diễm", 30),
    ("Huyền", 30),
    ("Linh", 30),
    ("Mộng", 30),
    ("Thiên", 30),
    ("Tâm", 30),
    ("Quế", 20),
    ("Uyên", 20),
    ("Hạnh", 20),
    ("Khả", 20),
    ("Phúc", 20),
    ("Đoan", 20),
    ("Song", 10),
];

const MIDDLE_MALE: &[(&str, u32)] = &[
    ("Văn", 4500),
    ("Minh", 650),
    ("Đức", 600),
    ("Hữu", 450),
    ("Quốc", 450),
    ("Thanh", 350),
    ("Công", 350),
    ("Quang", 350),
    ("Đình", 300),
    ("Xuân", 250),
    ("Ngọc", 200),
    ("Trọng", 200),
    ("Gia", 200),
    ("Hoàng", 200),
    ("Thế", 200),
    ("Anh", 150),
    ("Bá", 150),
    ("Thành", 150),
    ("Duy", 150),
    ("Nhật", 150),
    ("Tấn", 150),
    ("Chí", 150),
    ("Bảo", 150),
    ("Tuấn", 100),
    ("Hoài", 100),
    ("Trung", 100),
    ("Đăng", 100),
    ("Khắc", 80),
    ("Tiến", 80),
    ("Mạnh", 80),
    ("Huy", 80),
    ("Viết", 80),
    ("Hồng", 80),
    ("Hải", 80),
    ("Kim", 50),
    ("Phú", 50),
    ("Phước", 50),
    ("Trường", 50),
    ("Vĩnh", 50),
    ("Nguyên", 50),
    ("Khánh", 50),
    ("Thái", 50),
    ("Thiện", 40),
    ("Như", 30),
    ("Thụy", 10),
];

/// The second of two middle names (a subset of the middle names, with its own weights).
const SECOND_MIDDLE_FEMALE: &[(&str, u32)] = &[
    ("Ngọc", 100),
    ("Thu", 80),
    ("Kim", 70),
    ("Mỹ", 60),
    ("Thanh", 60),
    ("Hồng", 50),
    ("Bích", 40),
    ("Thùy", 40),
    ("Thúy", 30),
    ("Minh", 30),
    ("Phương", 30),
    ("Bảo", 30),
    ("Khánh", 20),
    ("Diệu", 20),
    ("Hoài", 20),
    ("Tuyết", 20),
    ("Cẩm", 20),
    ("Xuân", 20),
    ("Quỳnh", 20),
];

const SECOND_MIDDLE_MALE: &[(&str, u32)] = &[
    ("Minh", 100),
    ("Quốc", 60),
    ("Đức", 60),
    ("Anh", 50),
    ("Gia", 50),
    ("Bảo", 50),
    ("Hoàng", 50),
    ("Thanh", 40),
    ("Ngọc", 40),
    ("Nhật", 40),
    ("Xuân", 30),
    ("Duy", 30),
    ("Hải", 30),
    ("Trung", 20),
    ("Hữu", 20),
    ("Công", 20),
];

const GIVEN_FEMALE: &[(&str, u32)] = &[
    ("Linh", 300),
    ("Anh", 300),
    ("Hương", 250),
    ("Trang", 250),
    ("Hà", 220),
    ("Lan", 220),
    ("Hoa", 200),
    ("Thảo", 200),
    ("Huyền", 180),
    ("Mai", 180),
    ("Ngọc", 160),
    ("Hằng", 160),
    ("Phương", 160),
    ("Thủy", 160),
    ("Nhung", 140),
    ("Hạnh", 140),
    ("Hiền", 140),
    ("Thúy", 120),
    ("Dung", 120),
    ("Yến", 120),
    ("Nga", 120),
    ("Hồng", 120),
    ("Nhi", 120),
    ("Vy", 120),
    ("Oanh", 100),
    ("Loan", 100),
    ("Liên", 100),
    ("Vân", 100),
    ("Ngân", 100),
    ("Quỳnh", 100),
    ("Giang", 100),
    ("Thu", 100),
    ("Tâm", 80),
    ("Trinh", 80),
    ("Chi", 80),
    ("Tuyết", 80),
    ("Xuân", 80),
    ("Duyên", 80),
    ("My", 80),
    ("Như", 80),
    ("Ly", 80),
    ("Uyên", 80),
    ("Thư", 80),
    ("Thùy", 60),
    ("Nhàn", 60),
    ("Hậu", 60),
    ("Nguyệt", 60),
    ("Tiên", 60),
    ("Trâm", 60),
    ("Phượng", 60),
    ("Thanh", 60),
    ("Thương", 60),
    ("Ánh", 60),
    ("Mỹ", 50),
    ("Thơ", 50),
    ("Châu", 50),
    ("Huệ", 50),
    ("Lệ", 50),
    ("Quyên", 50),
    ("Thắm", 50),
    ("Thoa", 50),
    ("An", 50),
    ("Lý", 40),
    ("Khánh", 40),
    ("Kim", 40),
    ("Cúc", 40),
    ("Đào", 40),
    ("Tươi", 40),
    ("Bích", 40),
    ("Hòa", 40),
    ("Sương", 40),
    ("Thy", 40),
    ("Trà", 40),
    ("Trúc", 40),
    ("Tuyền", 40),
    ("Diễm", 40),
    ("Hân", 40),
    ("Hường", 40),
    ("Mơ", 30),
    ("Hải", 30),
    ("Vi", 30),
    ("Út", 30),
    ("Bình", 30),
    ("Điệp", 30),
    ("Hoài", 30),
    ("Kiều", 30),
    ("Liễu", 30),
    ("Minh", 30),
    ("Ngà", 30),
    ("Quế", 30),
    ("Tú", 30),
    ("Sen", 30),
    ("Bảo", 30),
    ("Dương", 30),
    ("Diệp", 25),
    ("Diệu", 25),
    ("Gấm", 20),
    ("Lài", 20),
    ("Lụa", 20),
    ("Mận", 20),
    ("Nụ", 20),
    ("Xinh", 20),
    ("Dịu", 20),
    ("Hiên", 20),
    ("Lành", 20),
    ("Mến", 20),
    ("Na", 20),
    ("Nữ", 20),
    ("Nhị", 20),
    ("Nhiên", 20),
    ("Nhạn", 20),
    ("Tình", 20),
    ("Xuyến", 20),
    ("Ngát", 20),
    ("Ngoan", 20),
    ("Khuê", 20),
    ("Băng", 20),
    ("Cầm", 20),
    ("Quý", 20),
    ("Thoại", 15),
    ("Hòe", 10),
    ("Nhụy", 10),
    ("Thụy", 10),
    ("Xoan", 10),
    ("Hoan", 10),
    ("Son", 10),
    ("Lựu", 10),
    ("Thêu", 10),
    ("Huyên", 10),
    ("Tuyên", 10),
];

const GIVEN_MALE: &[(&str, u32)] = &[
    ("Hùng", 250),
    ("Tuấn", 250),
    ("Minh", 250),
    ("Dũng", 220),
    ("Nam", 220),
    ("Hải", 200),
    ("Hưng", 180),
    ("Long", 180),
    ("Sơn", 180),
    ("Quang", 160),
    ("Thắng", 160),
    ("Huy", 160),
    ("Trung", 160),
    ("Thành", 160),
    ("Anh", 160),
    ("Hoàng", 140),
    ("Đức", 140),
    ("Cường", 140),
    ("Hiếu", 120),
    ("Tùng", 120),
    ("Bình", 120),
    ("Quân", 120),
    ("Đạt", 120),
    ("Phong", 100),
    ("Vinh", 100),
    ("Khoa", 100),
    ("Hòa", 100),
    ("Mạnh", 100),
    ("Nghĩa", 100),
    ("Phúc", 100),
    ("Tiến", 100),
    ("Toàn", 100),
    ("Việt", 100),
    ("Duy", 100),
    ("Tú", 80),
    ("Kiên", 80),
    ("Lâm", 80),
    ("Lộc", 80),
    ("Tài", 80),
    ("Tâm", 80),
    ("Thanh", 80),
    ("Thịnh", 80),
    ("Vũ", 80),
    ("An", 80),
    ("Bảo", 80),
    ("Chiến", 80),
    ("Khánh", 80),
    ("Trường", 80),
    ("Hiệp", 60),
    ("Quý", 60),
    ("Trí", 60),
    ("Trọng", 60),
    ("Đông", 60),
    ("Dương", 60),
    ("Khang", 60),
    ("Khôi", 60),
    ("Nhân", 60),
    ("Nhật", 60),
    ("Phát", 60),
    ("Phú", 60),
    ("Tân", 60),
    ("Thái", 60),
    ("Nguyên", 60),
    ("Chính", 50),
    ("Công", 50),
    ("Đăng", 50),
    ("Giang", 50),
    ("Hào", 50),
    ("Hậu", 50),
    ("Phước", 50),
    ("Phương", 50),
    ("Thiện", 50),
    ("Thuận", 50),
    ("Linh", 50),
    ("Danh", 40),
    ("Định", 40),
    ("Hà", 40),
    ("Hiển", 40),
    ("Khải", 40),
    ("Lực", 40),
    ("Luân", 40),
    ("Ninh", 40),
    ("Quốc", 40),
    ("Quyết", 40),
    ("Sang", 40),
    ("Thọ", 40),
    ("Thông", 40),
    ("Tín", 40),
    ("Cảnh", 40),
    ("Chung", 40),
    ("Kiệt", 40),
    ("Bằng", 40),
    ("Cương", 30),
    ("Hoan", 30),
    ("Huân", 30),
    ("Lương", 30),
    ("Sáng", 30),
    ("Sỹ", 30),
    ("Toản", 30),
    ("Triều", 30),
    ("Tuyên", 30),
    ("Tư", 30),
    ("Vĩnh", 30),
    ("Vương", 30),
    ("Xuân", 30),
    ("Tuân", 30),
    ("Tường", 30),
    ("Khiêm", 30),
    ("Lập", 30),
    ("Ngọc", 30),
    ("Quyền", 30),
    ("Hợp", 30),
    ("Bắc", 30),
    ("Châu", 30),
    ("Doanh", 30),
    ("Hiền", 30),
    ("Huấn", 30),
    ("Nghị", 30),
    ("Phi", 30),
    ("Sinh", 30),
    ("Thạnh", 30),
    ("Đạo", 30),
    ("Điệp", 20),
    ("Hạnh", 20),
    ("Học", 20),
    ("Hội", 20),
    ("Kỳ", 20),
    ("Thủy", 20),
    ("Thụy", 20),
    ("Tuệ", 20),
    ("Kha", 20),
    ("Luật", 20),
    ("Tính", 20),
    ("Điền", 20),
    ("Độ", 20),
    ("Đoàn", 20),
    ("Biên", 20),
    ("Giáp", 20),
    ("Hiệu", 20),
    ("Lĩnh", 20),
    ("Luyện", 20),
    ("Mẫn", 20),
    ("Nhất", 20),
    ("Quảng", 20),
    ("Quy", 20),
    ("Tám", 20),
    ("Tới", 20),
    ("Tráng", 20),
    ("Tuyển", 20),
    ("Uy", 20),
    ("Vĩ", 20),
    ("Vỹ", 20),
    ("Thoại", 20),
    ("Khỏe", 10),
    ("Hòe", 10),
    ("Thạch", 10),
    ("Pháp", 10),
    ("Thục", 10),
    ("Cử", 10),
    ("Duẩn", 10),
    ("Hạ", 10),
    ("Mừng", 10),
    ("Oai", 10),
    ("Sửu", 10),
    ("Thìn", 10),
    ("Vọng", 10),
    ("Lai", 10),
    ("Yên", 10),
];

/// A table of names with cumulative weights, sampled in `O(log n)`.
#[derive(Debug)]
pub(crate) struct Table {
    names: Vec<&'static str>,
    /// `cumulative[i]` = sum of the weights of entries `0..=i`.
    cumulative: Vec<u64>,
    /// The entry with the other ("new") tone placement, where it has one (Hoà for Hòa).
    new_placement: Vec<Option<String>>,
}

impl Table {
    fn new(entries: &[(&'static str, u32)]) -> Table {
        let mut total = 0u64;
        let cumulative = entries
            .iter()
            .map(|&(_, w)| {
                total += w as u64;
                total
            })
            .collect();
        Table {
            names: entries.iter().map(|&(n, _)| n).collect(),
            cumulative,
            new_placement: entries
                .iter()
                .map(|&(n, _)| toggle_tone_placement(n))
                .collect(),
        }
    }

    /// An entry's index drawn with the table's frequencies.
    #[inline]
    pub(crate) fn sample(&self, rng: &mut Rng) -> u16 {
        let total = *self.cumulative.last().expect("tables are not empty");
        let r = rng.below(total);
        self.cumulative.partition_point(|&c| c <= r) as u16
    }

    #[inline]
    pub(crate) fn name(&self, index: u16) -> &'static str {
        self.names[index as usize]
    }

    /// The entry written with the "new" tone placement, when that differs (Hoà for Hòa).
    #[inline]
    pub(crate) fn new_placement(&self, index: u16) -> Option<&str> {
        self.new_placement[index as usize].as_deref()
    }

    /// The index of a name in the table.
    pub(crate) fn index_of(&self, name: &str) -> Option<u16> {
        self.names.iter().position(|&n| n == name).map(|i| i as u16)
    }

    /// The share of the population an entry has.
    #[cfg(test)]
    pub(crate) fn share(&self, name: &str) -> f64 {
        let total = *self.cumulative.last().expect("tables are not empty") as f64;
        match self.names.iter().position(|&n| n == name) {
            Some(i) => {
                let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
                (self.cumulative[i] - before) as f64 / total
            }
            None => 0.0,
        }
    }
}

/// All the name tables.
#[derive(Debug)]
pub(crate) struct Names {
    pub(crate) family: Table,
    pub(crate) middle: [Table; 2],
    /// The second of two middle names; every entry is also in [`Names::middle`].
    pub(crate) second_middle: [Table; 2],
    pub(crate) given: [Table; 2],
}

/// Index of the male tables in [`Names::middle`] and [`Names::given`].
pub(crate) const MALE: usize = 0;
/// Index of the female tables in [`Names::middle`] and [`Names::given`].
pub(crate) const FEMALE: usize = 1;

impl Names {
    pub(crate) fn get() -> &'static Names {
        static NAMES: OnceLock<Names> = OnceLock::new();
        NAMES.get_or_init(|| Names {
            family: Table::new(FAMILY),
            middle: [Table::new(MIDDLE_MALE), Table::new(MIDDLE_FEMALE)],
            second_middle: [
                Table::new(SECOND_MIDDLE_MALE),
                Table::new(SECOND_MIDDLE_FEMALE),
            ],
            given: [Table::new(GIVEN_MALE), Table::new(GIVEN_FEMALE)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn tables_are_nfc_unique_and_nonempty() {
        for table in [
            FAMILY,
            MIDDLE_FEMALE,
            MIDDLE_MALE,
            SECOND_MIDDLE_FEMALE,
            SECOND_MIDDLE_MALE,
            GIVEN_FEMALE,
            GIVEN_MALE,
        ] {
            let mut seen = HashSet::new();
            for &(name, weight) in table {
                assert!(weight > 0, "{name}");
                assert_eq!(name.nfc().collect::<String>(), name, "{name} is not NFC");
                assert!(seen.insert(name), "{name} twice");
                assert_eq!(name.trim(), name);
            }
        }
        let names = Names::get();
        for g in [MALE, FEMALE] {
            for i in 0..names.second_middle[g].names.len() {
                let name = names.second_middle[g].name(i as u16);
                assert!(names.middle[g].index_of(name).is_some(), "{name}");
            }
        }
        let given = GIVEN_FEMALE.len() + GIVEN_MALE.len();
        assert!((250..=450).contains(&given), "{given} given names");
    }

    #[test]
    fn family_names_have_their_real_frequencies() {
        let family = &Names::get().family;
        let near = |name: &str, share: f64| {
            let s = family.share(name);
            assert!((s - share).abs() < 0.005, "{name}: {s}");
        };
        near("Nguyễn", 0.38);
        near("Trần", 0.11);
        near("Lê", 0.095);
        near("Phạm", 0.07);
        assert!(family.share("Quách") > 0.0 && family.share("Quách") < 0.001);
    }

    #[test]
    fn sampling_follows_the_weights() {
        let family = &Names::get().family;
        let mut rng = Rng::new(3);
        let n = 200_000;
        let nguyen = (0..n)
            .filter(|_| family.name(family.sample(&mut rng)) == "Nguyễn")
            .count();
        let share = nguyen as f64 / n as f64;
        assert!((share - 0.38).abs() < 0.01, "{share}");
    }
}
