//! The canonical columns of the two input files (docs/input.md).

/// One canonical column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnDef {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
}

/// The canonical columns of one input file.
#[derive(Debug)]
pub(crate) struct Schema {
    /// What the file is called in messages.
    pub(crate) role: &'static str,
    pub(crate) columns: &'static [ColumnDef],
}

impl Schema {
    pub(crate) fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

const fn col(name: &'static str, required: bool) -> ColumnDef {
    ColumnDef { name, required }
}

/// Indexes into [`PARTICIPANTS`].
pub(crate) mod participant {
    pub(crate) const INSURANCE_CODE: usize = 0;
    pub(crate) const FULL_NAME: usize = 1;
    pub(crate) const DOB: usize = 2;
    pub(crate) const GENDER: usize = 3;
    pub(crate) const PERSON_ID: usize = 4;
    pub(crate) const PROVINCE_CODE: usize = 5;
    pub(crate) const SCHEME: usize = 6;
}

/// Indexes into [`REGISTER`].
pub(crate) mod register {
    pub(crate) const PERSON_ID: usize = 0;
    pub(crate) const OLD_ID: usize = 1;
    pub(crate) const FULL_NAME: usize = 2;
    pub(crate) const DOB: usize = 3;
    pub(crate) const GENDER: usize = 4;
    pub(crate) const PROVINCE_CODE: usize = 5;
    pub(crate) const STATUS: usize = 6;
}

pub(crate) static PARTICIPANTS: Schema = Schema {
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

pub(crate) static REGISTER: Schema = Schema {
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
