package directory

import (
	"fmt"
	"log/slog"
	"time"
)

// User types as Entra reports them in userType.
const (
	UserTypeMember = "Member"
	UserTypeGuest  = "Guest"
)

// TenantScope is the directory scope ID of a tenant-wide role assignment.
const TenantScope = "/"

// User is a user object with every property the SDK reads.
type User struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	MailNickname      string `json:"mailNickname"`
	AccountEnabled    bool   `json:"accountEnabled"`
	// UserType is UserTypeMember or UserTypeGuest.
	UserType      string `json:"userType"`
	UsageLocation string `json:"usageLocation,omitempty"`
	// EmployeeType is a free-text HR property. Package serviceaccount writes
	// its ownership marker here (see
	// [github.com/cloudhub/consent/serviceaccount.MarkerPrefix]).
	EmployeeType    string    `json:"employeeType,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime"`
	// LastPasswordChangeDateTime is the last time the password was set or
	// changed; it equals CreatedDateTime (give or take seconds) until the
	// first sign-in changes the temporary password.
	LastPasswordChangeDateTime time.Time `json:"lastPasswordChangeDateTime"`
	// OnPremisesSyncEnabled reports a user synchronised from on-premises
	// Active Directory.
	OnPremisesSyncEnabled bool `json:"onPremisesSyncEnabled"`
}

// NewUser holds the properties of a user to create.
type NewUser struct {
	UserPrincipalName string
	DisplayName       string
	MailNickname      string
	UsageLocation     string
	EmployeeType      string
	AccountEnabled    bool
	// Password is the initial password.
	Password Password
	// ForceChangePasswordNextSignIn makes the first sign-in change the
	// password.
	ForceChangePasswordNextSignIn bool
}

// Password holds a secret. Its String, GoString, Format, LogValue and
// MarshalJSON methods all redact it, so that printing or logging a value that
// contains one never reveals it; only [Password.Reveal] does.
type Password struct{ s string }

// NewPassword wraps a secret.
func NewPassword(secret string) Password { return Password{s: secret} }

// Reveal returns the secret.
func (p Password) Reveal() string { return p.s }

// IsZero reports whether the password is empty.
func (p Password) IsZero() bool { return p.s == "" }

const redacted = "[REDACTED]"

func (p Password) mask() string {
	if p.s == "" {
		return ""
	}
	return redacted
}

// String returns "[REDACTED]", or "" for an empty password.
func (p Password) String() string { return p.mask() }

// GoString returns a redacted Go representation.
func (p Password) GoString() string { return fmt.Sprintf("directory.Password(%q)", p.mask()) }

// Format redacts the password for every verb, including %#v and %x.
func (p Password) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(p.mask())) }

// LogValue redacts the password in log/slog output.
func (p Password) LogValue() slog.Value { return slog.StringValue(p.mask()) }

// MarshalJSON redacts the password.
func (p Password) MarshalJSON() ([]byte, error) { return []byte(`"` + p.mask() + `"`), nil }

// MarshalText redacts the password.
func (p Password) MarshalText() ([]byte, error) { return []byte(p.mask()), nil }

// RoleAssignment is a unified RBAC role assignment in the directory provider.
type RoleAssignment struct {
	// ID is the assignment's ID; empty in a request to create one.
	ID          string `json:"id,omitempty"`
	PrincipalID string `json:"principalId"`
	// RoleDefinitionID is the role's template ID (for built-in roles the
	// definition ID equals the template ID in every tenant).
	RoleDefinitionID string `json:"roleDefinitionId"`
	// DirectoryScopeID is TenantScope ("/") for a tenant-wide assignment, or
	// "/administrativeUnits/{id}" and the like.
	DirectoryScopeID string `json:"directoryScopeId"`
}

// MethodType names an authentication method type the way Microsoft Graph
// does, without the "#microsoft.graph." prefix and "AuthenticationMethod"
// suffix of its @odata.type.
type MethodType string

// Authentication method types.
const (
	MethodPassword                MethodType = "password"
	MethodMicrosoftAuthenticator  MethodType = "microsoftAuthenticator"
	MethodPhone                   MethodType = "phone"
	MethodFido2                   MethodType = "fido2"
	MethodSoftwareOath            MethodType = "softwareOath"
	MethodHardwareOath            MethodType = "hardwareOath"
	MethodWindowsHelloForBusiness MethodType = "windowsHelloForBusiness"
	MethodEmail                   MethodType = "email"
	MethodTemporaryAccessPass     MethodType = "temporaryAccessPass"
	MethodPlatformCredential      MethodType = "platformCredential"
	MethodExternal                MethodType = "externalAuthenticationMethod"
	// MethodQRCodePin is a QR code with a PIN, which Microsoft documents
	// as a single-factor method for frontline workers.
	MethodQRCodePin MethodType = "qrCodePin"
)

// AuthenticationMethod is one registered authentication method of a user.
type AuthenticationMethod struct {
	ID   string     `json:"id"`
	Type MethodType `json:"type"`
	// DisplayName is a human label where the service gives one (device name,
	// masked phone number); it may be empty.
	DisplayName string `json:"displayName,omitempty"`
	// AccessPass holds a Temporary Access Pass's validity and usability
	// (never its passcode) for a method of type MethodTemporaryAccessPass,
	// when the backend reports them; nil otherwise.
	AccessPass *AccessPass `json:"accessPass,omitempty"`
}

// Domain is a domain of the tenant.
type Domain struct {
	// ID is the domain name, for example "contoso.onmicrosoft.com".
	ID         string `json:"id"`
	IsVerified bool   `json:"isVerified"`
	IsDefault  bool   `json:"isDefault"`
	IsInitial  bool   `json:"isInitial"`
}
