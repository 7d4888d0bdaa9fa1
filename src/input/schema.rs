//! The canonical columns of the two input files (SPEC section 1).

/// One canonical column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    pub name: &'static str,
    pub required: bool,
}

/// The canonical columns of one input file.
#[derive(Debug)]
pub struct Schema {
    /// What the file is called in messages.
    pub role: &'static str,
    pub columns: &'static [ColumnDef],
}

impl Schema {
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

const fn col(name: &'static str, required: bool) -> ColumnDef {
    ColumnDef { name, required }
}

/// Indexes into [`PARTICIPANTS`].
pub mod participant {
    pub const INSURANCE_CODE: usize = 0;
    pub const FULL_NAME: usize = 1;
    pub const DOB: usize = 2;
    pub const GENDER: usize = 3;
    pub const PERSON_ID: usize = 4;
    pub const PROVINCE_CODE: usize = 5;
    pub const SCHEME: usize = 6;
}

/// Indexes into [`REGISTER`].
pub mod register {
    pub const PERSON_ID: usize = 0;
    pub const OLD_ID: usize = 1;
    pub const FULL_NAME: usize = 2;
    pub const DOB: usize = 3;
    pub const GENDER: usize = 4;
    pub const PROVINCE_CODE: usize = 5;
    pub const STATUS: usize = 6;
}

pub static PARTICIPANTS: Schema = Schema {
    role: "participants",
    columns: &[
        col("insurance_code", true),
        col("full_name", true),
        col("dob", true),
        col("gender", false),
        col("person_id", false),
        col("province_code", false),
        col("scheme", false),
    ],
};

pub static REGISTER: Schema = Schema {
    role: "register",
    columns: &[
        col("person_id", true),
        col("old_id", false),
        col("full_name", true),
        col("dob", true),
        col("gender", false),
        col("province_code", false),
        col("status", false),
    ],
};
