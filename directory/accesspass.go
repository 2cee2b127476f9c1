package directory

import (
	"context"
	"time"
)

// Temporary Access Pass lifetime bounds Microsoft Graph accepts for a pass
// and for the policy's minimum, maximum and default lifetimes: 10 minutes to
// 30 days, in whole minutes.
const (
	MinAccessPassLifetime = 10 * time.Minute
	MaxAccessPassLifetime = 30 * 24 * time.Hour
)

// Policy target types of [PolicyTarget].
const (
	TargetUser  = "user"
	TargetGroup = "group"
)

// AllUsers is the ID of the group target that stands for every user of the
// tenant in an authentication method policy's includeTargets.
const AllUsers = "all_users"

// PolicyTarget is a user or group an authentication method policy
// includes or excludes.
type PolicyTarget struct {
	// ID is the user's or group's object ID, or AllUsers.
	ID string `json:"id"`
	// Type is TargetUser or TargetGroup.
	Type string `json:"targetType"`
}

// AccessPassPolicy is the tenant's Temporary Access Pass authentication
// method policy
// (/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass).
type AccessPassPolicy struct {
	// Enabled reports state "enabled".
	Enabled bool `json:"enabled"`
	// IncludeTargets are the users and groups allowed a pass; nil when the
	// backend could not read them (an empty list includes nobody).
	IncludeTargets []PolicyTarget `json:"includeTargets"`
	// ExcludeTargets are the users and groups refused a pass.
	ExcludeTargets []PolicyTarget `json:"excludeTargets"`
	// MinimumLifetime, MaximumLifetime and DefaultLifetime bound and
	// default a pass's lifetime (whole minutes).
	MinimumLifetime time.Duration `json:"minimumLifetime"`
	MaximumLifetime time.Duration `json:"maximumLifetime"`
	DefaultLifetime time.Duration `json:"defaultLifetime"`
	// UsableOnce restricts every pass of the tenant to one use; when false
	// a pass may be one-time or reusable.
	UsableOnce bool `json:"isUsableOnce"`
	// DefaultLength is the length of a pass in characters (8 to 48).
	DefaultLength int `json:"defaultLength"`
}

// AccessPass is a user's Temporary Access Pass authentication method.
type AccessPass struct {
	ID              string    `json:"id"`
	CreatedDateTime time.Time `json:"createdDateTime"`
	// StartDateTime is when the pass becomes usable.
	StartDateTime time.Time `json:"startDateTime"`
	// Lifetime is how long it stays usable from StartDateTime.
	Lifetime   time.Duration `json:"lifetime"`
	UsableOnce bool          `json:"isUsableOnce"`
	// Usable reports whether the user can sign in with it now; Reason says
	// why ("EnabledByPolicy", "DisabledByPolicy", "Expired",
	// "NotYetValid", "OneTimeUsed").
	Usable bool   `json:"isUsable"`
	Reason string `json:"methodUsabilityReason,omitempty"`
	// Pass is the passcode. Microsoft Graph returns it only in the answer
	// to its creation; it is empty in every read.
	Pass Password `json:"pass,omitzero"`
}

// EndDateTime is when the pass stops being usable.
func (p AccessPass) EndDateTime() time.Time { return p.StartDateTime.Add(p.Lifetime) }

// NewAccessPass holds what a caller may ask of a new pass.
type NewAccessPass struct {
	// StartDateTime is when the pass becomes usable; zero: at once.
	StartDateTime time.Time
	// Lifetime is how long it stays usable, in whole minutes between
	// MinAccessPassLifetime and MaxAccessPassLifetime; zero: the policy's
	// default.
	Lifetime time.Duration
	// UsableOnce limits the pass to one sign-in.
	UsableOnce bool
}

// AccessPassIssuer is implemented by a directory that can read the Temporary
// Access Pass policy and issue, list and delete users' passes (the Graph
// backend and the fake).
type AccessPassIssuer interface {
	// AccessPassPolicy returns the tenant's Temporary Access Pass policy.
	AccessPassPolicy(ctx context.Context) (AccessPassPolicy, error)

	// AccessPasses lists the user's passes (a user has at most one),
	// without their passcodes. An unknown user gives ErrNotFound.
	AccessPasses(ctx context.Context, userID string) ([]AccessPass, error)

	// CreateAccessPass issues a pass to the user and returns it with its
	// passcode. A user has at most one pass: one that exists is replaced.
	// An unknown user gives ErrNotFound; a pass the policy does not allow
	// (the method is disabled, the user is not targeted or is excluded,
	// the lifetime is outside the policy's bounds, a reusable pass where
	// the policy allows one-time passes only) gives ErrInvalid.
	CreateAccessPass(ctx context.Context, userID string, p NewAccessPass) (AccessPass, error)

	// DeleteAccessPass deletes the user's pass with the given ID. An
	// unknown user or pass gives ErrNotFound.
	DeleteAccessPass(ctx context.Context, userID, passID string) error
}
