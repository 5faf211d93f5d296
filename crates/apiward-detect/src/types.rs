//! Data types, their classes, sensitivities and labels.

/// How sure the detector is that a match is what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Shape only, or a weak key hint.
    Tentative,
    /// Shape plus a validator, or a strong key on a plausible value.
    Firm,
    /// Validator plus key context, or an unambiguous signature.
    Certain,
}

impl Confidence {
    pub fn id(self) -> &'static str {
        match self {
            Confidence::Tentative => "tentative",
            Confidence::Firm => "firm",
            Confidence::Certain => "certain",
        }
    }
}

/// The broad family a data type belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataClass {
    /// Personal data.
    Pii,
    /// Credentials and keys.
    Secret,
    /// Leaked implementation details.
    Internal,
}

impl DataClass {
    pub fn id(self) -> &'static str {
        match self {
            DataClass::Pii => "pii",
            DataClass::Secret => "secret",
            DataClass::Internal => "internal",
        }
    }
}

/// How much harm exposure of one value of this type does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sensitivity {
    Low,
    Medium,
    High,
    Critical,
}

impl Sensitivity {
    pub fn id(self) -> &'static str {
        match self {
            Sensitivity::Low => "low",
            Sensitivity::Medium => "medium",
            Sensitivity::High => "high",
            Sensitivity::Critical => "critical",
        }
    }
}

/// What a match is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    Email,
    Phone,
    UsSsn,
    UsItin,
    PaymentCard,
    MaskedPaymentCard,
    Iban,
    AbaRouting,
    BankAccount,
    DateOfBirth,
    StreetAddress,
    Passport,
    NationalId,
    IpPublic,
    IpInternal,
    GeoCoordinates,
    PersonName,
    AwsAccessKeyId,
    AwsSecretKey,
    AwsSessionToken,
    GithubToken,
    GitlabToken,
    SlackToken,
    SlackWebhook,
    StripeKey,
    GoogleApiKey,
    TwilioKey,
    SendgridKey,
    OpenaiKey,
    AnthropicKey,
    NpmToken,
    PrivateKey,
    Jwt,
    UrlCredentials,
    DatabaseUrl,
    GenericSecret,
    Password,
    PasswordHash,
    StackTrace,
    SqlError,
    BotocoreError,
    DynamodbException,
    AwsArn,
    AwsAccountId,
    DynamodbAttributeValue,
    DynamodbPagingKey,
    DynamodbConsumedCapacity,
    AwsResponseMetadata,
    PydanticInputEcho,
    EnvDump,
    InternalHostname,
    ServerVersion,
    /// A user-defined type: index into the custom types given to [`crate::Detector::with_custom`].
    Custom(u16),
}

/// Every built-in type, in declaration order.
pub const BUILTIN_TYPES: &[DataType] = &[
    DataType::Email,
    DataType::Phone,
    DataType::UsSsn,
    DataType::UsItin,
    DataType::PaymentCard,
    DataType::MaskedPaymentCard,
    DataType::Iban,
    DataType::AbaRouting,
    DataType::BankAccount,
    DataType::DateOfBirth,
    DataType::StreetAddress,
    DataType::Passport,
    DataType::NationalId,
    DataType::IpPublic,
    DataType::IpInternal,
    DataType::GeoCoordinates,
    DataType::PersonName,
    DataType::AwsAccessKeyId,
    DataType::AwsSecretKey,
    DataType::AwsSessionToken,
    DataType::GithubToken,
    DataType::GitlabToken,
    DataType::SlackToken,
    DataType::SlackWebhook,
    DataType::StripeKey,
    DataType::GoogleApiKey,
    DataType::TwilioKey,
    DataType::SendgridKey,
    DataType::OpenaiKey,
    DataType::AnthropicKey,
    DataType::NpmToken,
    DataType::PrivateKey,
    DataType::Jwt,
    DataType::UrlCredentials,
    DataType::DatabaseUrl,
    DataType::GenericSecret,
    DataType::Password,
    DataType::PasswordHash,
    DataType::StackTrace,
    DataType::SqlError,
    DataType::BotocoreError,
    DataType::DynamodbException,
    DataType::AwsArn,
    DataType::AwsAccountId,
    DataType::DynamodbAttributeValue,
    DataType::DynamodbPagingKey,
    DataType::DynamodbConsumedCapacity,
    DataType::AwsResponseMetadata,
    DataType::PydanticInputEcho,
    DataType::EnvDump,
    DataType::InternalHostname,
    DataType::ServerVersion,
];

impl DataType {
    /// Position in [`BUILTIN_TYPES`] (custom types share the last slot).
    pub(crate) fn index(self) -> usize {
        match self {
            DataType::Custom(_) => BUILTIN_TYPES.len(),
            t => BUILTIN_TYPES.iter().position(|x| *x == t).unwrap_or(0),
        }
    }

    /// Stable snake_case id. Custom types all answer `"custom"`; see [`crate::Detector::type_name`].
    pub fn id(&self) -> &'static str {
        use DataType::*;
        match self {
            Email => "email",
            Phone => "phone",
            UsSsn => "us_ssn",
            UsItin => "us_itin",
            PaymentCard => "payment_card",
            MaskedPaymentCard => "masked_payment_card",
            Iban => "iban",
            AbaRouting => "aba_routing",
            BankAccount => "bank_account",
            DateOfBirth => "date_of_birth",
            StreetAddress => "street_address",
            Passport => "passport",
            NationalId => "national_id",
            IpPublic => "ip_public",
            IpInternal => "ip_internal",
            GeoCoordinates => "geo_coordinates",
            PersonName => "person_name",
            AwsAccessKeyId => "aws_access_key_id",
            AwsSecretKey => "aws_secret_key",
            AwsSessionToken => "aws_session_token",
            GithubToken => "github_token",
            GitlabToken => "gitlab_token",
            SlackToken => "slack_token",
            SlackWebhook => "slack_webhook",
            StripeKey => "stripe_key",
            GoogleApiKey => "google_api_key",
            TwilioKey => "twilio_key",
            SendgridKey => "sendgrid_key",
            OpenaiKey => "openai_key",
            AnthropicKey => "anthropic_key",
            NpmToken => "npm_token",
            PrivateKey => "private_key",
            Jwt => "jwt",
            UrlCredentials => "url_credentials",
            DatabaseUrl => "database_url",
            GenericSecret => "generic_secret",
            Password => "password",
            PasswordHash => "password_hash",
            StackTrace => "stack_trace",
            SqlError => "sql_error",
            BotocoreError => "botocore_error",
            DynamodbException => "dynamodb_exception",
            AwsArn => "aws_arn",
            AwsAccountId => "aws_account_id",
            DynamodbAttributeValue => "dynamodb_attribute_value",
            DynamodbPagingKey => "dynamodb_paging_key",
            DynamodbConsumedCapacity => "dynamodb_consumed_capacity",
            AwsResponseMetadata => "aws_response_metadata",
            PydanticInputEcho => "pydantic_input_echo",
            EnvDump => "env_dump",
            InternalHostname => "internal_hostname",
            ServerVersion => "server_version",
            Custom(_) => "custom",
        }
    }

    /// Parse a stable id back (built-in types only).
    pub fn from_id(id: &str) -> Option<DataType> {
        BUILTIN_TYPES.iter().copied().find(|t| t.id() == id)
    }

    pub fn class(&self) -> DataClass {
        use DataType::*;
        match self {
            Email | Phone | UsSsn | UsItin | PaymentCard | MaskedPaymentCard | Iban
            | AbaRouting | BankAccount | DateOfBirth | StreetAddress | Passport | NationalId
            | IpPublic | GeoCoordinates | PersonName => DataClass::Pii,
            AwsAccessKeyId | AwsSecretKey | AwsSessionToken | GithubToken | GitlabToken
            | SlackToken | SlackWebhook | StripeKey | GoogleApiKey | TwilioKey | SendgridKey
            | OpenaiKey | AnthropicKey | NpmToken | PrivateKey | Jwt | UrlCredentials
            | DatabaseUrl | GenericSecret | Password | PasswordHash => DataClass::Secret,
            Custom(_) => DataClass::Pii,
            _ => DataClass::Internal,
        }
    }

    pub fn sensitivity(&self) -> Sensitivity {
        use DataType::*;
        use Sensitivity::*;
        match self {
            UsSsn | UsItin | PaymentCard | Passport | NationalId => Critical,
            AwsAccessKeyId => High,
            AwsSecretKey | AwsSessionToken | GithubToken | GitlabToken | SlackToken | StripeKey
            | TwilioKey | SendgridKey | OpenaiKey | AnthropicKey | NpmToken | PrivateKey
            | UrlCredentials | GenericSecret | Password => Critical,
            Iban | BankAccount | AbaRouting | DateOfBirth | Jwt | PasswordHash | SlackWebhook
            | GoogleApiKey | DatabaseUrl | EnvDump | PydanticInputEcho => High,
            Email | Phone | StreetAddress | PersonName | GeoCoordinates | StackTrace | SqlError
            | BotocoreError | AwsArn | AwsAccountId | DynamodbPagingKey => Medium,
            MaskedPaymentCard
            | IpPublic
            | IpInternal
            | DynamodbException
            | DynamodbAttributeValue
            | DynamodbConsumedCapacity
            | AwsResponseMetadata
            | InternalHostname
            | ServerVersion => Low,
            Custom(_) => High,
        }
    }

    pub fn label(&self) -> &'static str {
        use DataType::*;
        match self {
            Email => "email address",
            Phone => "phone number",
            UsSsn => "US Social Security number",
            UsItin => "US individual taxpayer identification number",
            PaymentCard => "payment card number (full PAN)",
            MaskedPaymentCard => "masked payment card number",
            Iban => "IBAN",
            AbaRouting => "ABA routing number",
            BankAccount => "bank account number",
            DateOfBirth => "date of birth",
            StreetAddress => "street address",
            Passport => "passport number",
            NationalId => "national identity number",
            IpPublic => "public IP address",
            IpInternal => "internal IP address",
            GeoCoordinates => "geographic coordinates",
            PersonName => "person name",
            AwsAccessKeyId => "AWS access key id",
            AwsSecretKey => "AWS secret access key",
            AwsSessionToken => "AWS session token",
            GithubToken => "GitHub token",
            GitlabToken => "GitLab token",
            SlackToken => "Slack token",
            SlackWebhook => "Slack webhook URL",
            StripeKey => "Stripe API key",
            GoogleApiKey => "Google API key",
            TwilioKey => "Twilio key",
            SendgridKey => "SendGrid API key",
            OpenaiKey => "OpenAI API key",
            AnthropicKey => "Anthropic API key",
            NpmToken => "npm token",
            PrivateKey => "private key (PEM)",
            Jwt => "JSON Web Token",
            UrlCredentials => "credentials in URL",
            DatabaseUrl => "database connection string",
            GenericSecret => "secret, token or API key",
            Password => "password",
            PasswordHash => "password hash",
            StackTrace => "stack trace",
            SqlError => "SQL/ORM error",
            BotocoreError => "botocore ClientError message",
            DynamodbException => "DynamoDB exception",
            AwsArn => "AWS ARN",
            AwsAccountId => "AWS account id",
            DynamodbAttributeValue => "raw DynamoDB AttributeValue JSON",
            DynamodbPagingKey => "DynamoDB paging key (LastEvaluatedKey/ExclusiveStartKey)",
            DynamodbConsumedCapacity => "DynamoDB ConsumedCapacity",
            AwsResponseMetadata => "AWS SDK ResponseMetadata",
            PydanticInputEcho => "validation error echoing input",
            EnvDump => "environment variable dump",
            InternalHostname => "internal hostname",
            ServerVersion => "server/framework version",
            Custom(_) => "custom data type",
        }
    }

    /// Types reported once per scanned document (they describe the document, not a value).
    pub(crate) fn once_per_document(self) -> bool {
        use DataType::*;
        matches!(
            self,
            StackTrace
                | SqlError
                | EnvDump
                | DynamodbAttributeValue
                | DynamodbConsumedCapacity
                | AwsResponseMetadata
                | DynamodbPagingKey
                | PydanticInputEcho
        )
    }
}
