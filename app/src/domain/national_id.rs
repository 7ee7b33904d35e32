//! Norwegian national identity numbers (fødselsnummer) and D-numbers: check digits,
//! date of birth and age.

/// A valid national identity number or D-number, as eleven digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NationalId {
    digits: [u8; 11],
}

/// Why a number is not a national identity number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NationalIdProblem {
    /// Not eleven digits (spaces are allowed and ignored).
    Length,
    /// The digits do not form a date of birth.
    Date,
    /// One of the two check digits is wrong (most often a typing error).
    CheckDigits,
}

const WEIGHTS_1: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const WEIGHTS_2: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

fn check_digit(digits: &[u8], weights: &[u32]) -> Option<u8> {
    let sum: u32 = digits
        .iter()
        .zip(weights)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => u8::try_from(k).ok(),
    }
}

/// The two check digits that complete the first nine digits, if any do.
pub fn check_digits_for(first_nine: &[u8; 9]) -> Option<(u8, u8)> {
    let k1 = check_digit(first_nine, &WEIGHTS_1)?;
    let mut ten = [0u8; 10];
    ten[..9].copy_from_slice(first_nine);
    ten[9] = k1;
    let k2 = check_digit(&ten, &WEIGHTS_2)?;
    Some((k1, k2))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl NationalId {
    pub fn parse(input: &str) -> Result<Self, NationalIdProblem> {
        let cleaned: Vec<char> = input.chars().filter(|c| !c.is_whitespace()).collect();
        if cleaned.len() != 11 || !cleaned.iter().all(|c| c.is_ascii_digit()) {
            return Err(NationalIdProblem::Length);
        }
        let mut digits = [0u8; 11];
        for (slot, c) in digits.iter_mut().zip(&cleaned) {
            *slot = u8::try_from(c.to_digit(10).unwrap_or(0)).unwrap_or(0);
        }
        let id = NationalId { digits };
        let (year, month, day) = id.birth_date();
        if month == 0 || month > 12 || day == 0 || day > days_in_month(year, month) {
            return Err(NationalIdProblem::Date);
        }
        let mut first_nine = [0u8; 9];
        first_nine.copy_from_slice(&digits[..9]);
        match check_digits_for(&first_nine) {
            Some((k1, k2)) if k1 == digits[9] && k2 == digits[10] => Ok(id),
            _ => Err(NationalIdProblem::CheckDigits),
        }
    }

    fn number(&self, from: usize, len: usize) -> u32 {
        self.digits[from..from + len]
            .iter()
            .fold(0, |n, d| n * 10 + u32::from(*d))
    }

    /// A D-number (for people without a Norwegian birth number) adds 4 to the first digit.
    pub fn is_d_number(&self) -> bool {
        self.digits[0] >= 4
    }

    /// Year, month and day of birth, the century read from the individual number.
    pub fn birth_date(&self) -> (i32, u32, u32) {
        let mut day = self.number(0, 2);
        if self.is_d_number() {
            day -= 40;
        }
        let month = self.number(2, 2);
        let yy = self.number(4, 2) as i32;
        let individual = self.number(6, 3);
        let century = match individual {
            0..=499 => 1900,
            500..=749 if yy >= 54 => 1800,
            500..=999 if yy <= 39 => 2000,
            900..=999 => 1900,
            _ => 1900,
        };
        (century + yy, month, day)
    }

    /// Whole years of age on a date.
    pub fn age_on(&self, (year, month, day): (i32, u32, u32)) -> i32 {
        let (by, bm, bd) = self.birth_date();
        let mut age = year - by;
        if (month, day) < (bm, bd) {
            age -= 1;
        }
        age
    }

    /// The eleven digits, without spaces.
    pub fn as_string(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid number for a date and individual number, as test data.
    pub fn make(ddmmyy: &str, individual: &str) -> String {
        let nine: Vec<u8> = format!("{ddmmyy}{individual}")
            .bytes()
            .map(|b| b - b'0')
            .collect();
        let nine: [u8; 9] = nine.try_into().expect("nine digits");
        let (k1, k2) = check_digits_for(&nine).expect("has check digits");
        format!("{ddmmyy}{individual}{k1}{k2}")
    }

    fn some_valid(ddmmyy: &str) -> String {
        (100..500)
            .map(|i| format!("{i:03}"))
            .find(|i| {
                let nine: Vec<u8> = format!("{ddmmyy}{i}").bytes().map(|b| b - b'0').collect();
                check_digits_for(&nine.try_into().expect("nine")).is_some()
            })
            .map(|i| make(ddmmyy, &i))
            .expect("some individual number works")
    }

    #[test]
    fn valid_numbers_and_d_numbers_pass() {
        let fnr = some_valid("010190");
        let id = NationalId::parse(&fnr).expect("valid");
        assert!(!id.is_d_number());
        assert_eq!(id.birth_date(), (1990, 1, 1));
        // With spaces as people often type it.
        let spaced = format!("{} {}", &fnr[..6], &fnr[6..]);
        assert_eq!(NationalId::parse(&spaced).map(|i| i.as_string()), Ok(fnr));
        let d = some_valid("410190");
        let id = NationalId::parse(&d).expect("valid D-number");
        assert!(id.is_d_number());
        assert_eq!(id.birth_date(), (1990, 1, 1));
    }

    #[test]
    fn a_typing_error_is_caught_by_the_check_digits() {
        let fnr = some_valid("150585");
        for position in 0..11 {
            let mut wrong: Vec<u8> = fnr.bytes().collect();
            wrong[position] = b'0' + (wrong[position] - b'0' + 1) % 10;
            let wrong = String::from_utf8(wrong).expect("digits");
            assert!(NationalId::parse(&wrong).is_err(), "{wrong} passed");
        }
    }

    #[test]
    fn impossible_dates_and_wrong_lengths_are_refused() {
        assert_eq!(NationalId::parse("123"), Err(NationalIdProblem::Length));
        assert_eq!(
            NationalId::parse("0101901234a"),
            Err(NationalIdProblem::Length)
        );
        assert_eq!(
            NationalId::parse("31029012345"),
            Err(NationalIdProblem::Date)
        );
        assert_eq!(
            NationalId::parse("01139012345"),
            Err(NationalIdProblem::Date)
        );
        // 29 February only in leap years.
        assert!(NationalId::parse(&some_valid("290296")).is_ok());
        assert_eq!(
            NationalId::parse("29029712345"),
            Err(NationalIdProblem::Date)
        );
    }

    #[test]
    fn the_century_comes_from_the_individual_number() {
        let id = NationalId::parse(&some_valid_with("010608", 500..1000)).expect("valid");
        assert_eq!(id.birth_date().0, 2008);
        assert_eq!(id.age_on((2024, 5, 31)), 15);
        assert_eq!(id.age_on((2024, 6, 1)), 16);
    }

    fn some_valid_with(ddmmyy: &str, range: std::ops::Range<u32>) -> String {
        range
            .map(|i| format!("{i:03}"))
            .find(|i| {
                let nine: Vec<u8> = format!("{ddmmyy}{i}").bytes().map(|b| b - b'0').collect();
                check_digits_for(&nine.try_into().expect("nine")).is_some()
            })
            .map(|i| make(ddmmyy, &i))
            .expect("some individual number works")
    }
}
