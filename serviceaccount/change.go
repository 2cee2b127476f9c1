package serviceaccount

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Action is the kind of a [Change].
type Action string

// Actions. Provision only adds: it never deletes a user or removes a role.
const (
	ActionCreateUser Action = "create-user"
	ActionAssignRole Action = "assign-role"
	// ActionIssuePass issues a Temporary Access Pass (Spec.TemporaryAccessPass).
	ActionIssuePass Action = "issue-temporary-access-pass"
)

// symbol is "+" for an addition and "-" for any other action.
func (a Action) symbol() string {
	switch a {
	case ActionCreateUser, ActionAssignRole, ActionIssuePass, ActionCreateServicePrincipal, ActionGrantConsent, ActionAddScopes:
		return "+"
	default:
		return "-"
	}
}

// Change is one write that Provision made or that a Plan would make.
type Change struct {
	Action Action `json:"action"`
	// Object is the UPN for user changes and the role name for role ones.
	Object string `json:"object"`
	// RoleID is the role's template ID for role changes.
	RoleID string `json:"roleId,omitempty"`
	// Scope is the directory scope of a role change.
	Scope string `json:"scope,omitempty"`
	// Detail says more, in words.
	Detail string `json:"detail,omitempty"`
}

// String renders the change as one plan line.
func (c Change) String() string {
	kind := "user"
	switch c.Action {
	case ActionAssignRole:
		kind = "role"
	case ActionIssuePass:
		kind = "Temporary Access Pass for"
	case ActionCreateServicePrincipal:
		kind = "application"
	case ActionGrantConsent, ActionAddScopes:
		kind = "consent"
	}
	s := fmt.Sprintf("%s %s %s", c.Action.symbol(), kind, c.Object)
	if c.RoleID != "" {
		s += fmt.Sprintf(" (%s) at %s", c.RoleID, c.Scope)
	}
	if c.Detail != "" {
		s += "  # " + c.Detail
	}
	return s
}

// Plan is what [Provisioner.Plan] found: the changes Provision would make.
type Plan struct {
	UserPrincipalName string `json:"userPrincipalName"`
	// UserID is set when the account exists.
	UserID string `json:"userId,omitempty"`
	Exists bool   `json:"exists"`
	// Roles is the role set the spec asks for.
	Roles   []roles.Role `json:"roles"`
	Changes []Change     `json:"changes"`
	// Unexpected lists roles the account holds beyond the spec. Provision
	// leaves them alone; Verify reports them.
	Unexpected []roles.Role `json:"unexpected,omitempty"`
	Warnings   []string     `json:"warnings,omitempty"`
	// AccessPassCheck says, for a spec with a TemporaryAccessPass, whether
	// a pass is issued and how it meets the tenant's Temporary Access Pass
	// policy (or why the policy refuses it); empty otherwise.
	AccessPassCheck string `json:"accessPassCheck,omitempty"`
	// Consent is the partner application's consent the account needs and
	// whether it is there (Spec.PartnerApp); nil without one.
	Consent *ConsentStatus `json:"consent,omitempty"`
}

// Empty reports whether Provision would make no change.
func (p Plan) Empty() bool { return len(p.Changes) == 0 }

// String renders the plan like a terraform plan.
func (p Plan) String() string {
	var b strings.Builder
	adds := 0
	for _, c := range p.Changes {
		if c.Action.symbol() == "+" {
			adds++
		}
	}
	fmt.Fprintf(&b, "Plan for %s: %d to add, %d to remove.\n", p.UserPrincipalName, adds, len(p.Changes)-adds)
	if p.Empty() {
		b.WriteString("  No changes: the account is up to date.\n")
	}
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	for _, r := range p.Unexpected {
		fmt.Fprintf(&b, "  ~ role %s (%s) is held but not in the spec (left alone)\n", r.Name, r.ID)
	}
	if p.AccessPassCheck != "" {
		fmt.Fprintf(&b, "  Temporary Access Pass policy: %s\n", p.AccessPassCheck)
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(&b, "  ! %s\n", w)
	}
	if p.Consent != nil {
		fmt.Fprintf(&b, "  = %s\n", p.Consent)
	}
	return b.String()
}

// Result is what [Provisioner.Provision] did.
type Result struct {
	// Account identifies the provisioned account, with its object ID; pass
	// it to verify.Verifier.Verify.
	Account Account `json:"account"`
	// User is the account as last read or created.
	User directory.User `json:"user"`
	// Password is the temporary password, set only when this call created
	// the account. It prints and marshals as "[REDACTED]": call
	// Password.Reveal to hand it to the account's owner, over a channel
	// fit for secrets. The account must change it at first sign-in.
	Password directory.Password `json:"password"`
	// TemporaryAccessPass is the Temporary Access Pass this call issued
	// (Spec.TemporaryAccessPass), with its validity; zero otherwise. Its
	// passcode prints and marshals as "[REDACTED]": call Reveal to hand
	// it to the account's owner, over a channel fit for secrets.
	TemporaryAccessPass IssuedPass `json:"temporaryAccessPass,omitzero"`
	// Created reports that this call created the account; Adopted that it
	// converged an account it did not create (Spec.Adopt).
	Created bool `json:"created"`
	Adopted bool `json:"adopted"`
	// Changes lists the writes made, in order; empty on a converged
	// account.
	Changes    []Change     `json:"changes"`
	Unexpected []roles.Role `json:"unexpected,omitempty"`
	Warnings   []string     `json:"warnings,omitempty"`
	// Consent is the partner application's consent for the account
	// (Spec.PartnerApp), after this call: with Spec.GrantConsent, the
	// account's own grant; without it, what is missing and the
	// admin-consent URL. Nil without a partner application.
	Consent *ConsentStatus `json:"consent,omitempty"`
}

// String renders the result readably. The password is masked.
func (r Result) String() string {
	var b strings.Builder
	state := "up to date"
	switch {
	case r.Created:
		state = "created"
	case len(r.Changes) > 0:
		state = "updated"
	}
	fmt.Fprintf(&b, "Service account %s (%s): %s, %d change(s).\n", r.Account.UserPrincipalName, r.Account.ID, state, len(r.Changes))
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	if !r.Password.IsZero() {
		fmt.Fprintf(&b, "  temporary password: %s (must be changed at first sign-in)\n", r.Password)
	}
	if t := r.TemporaryAccessPass; !t.IsZero() {
		once := "reusable"
		if t.UsableOnce {
			once = "one use"
		}
		fmt.Fprintf(&b, "  Temporary Access Pass: %s (valid %s to %s, %s)\n", t, t.StartDateTime.UTC().Format(time.RFC3339), t.EndDateTime.UTC().Format(time.RFC3339), once)
	}
	for _, ro := range r.Unexpected {
		fmt.Fprintf(&b, "  ~ role %s (%s) is held but not in the spec (left alone)\n", ro.Name, ro.ID)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "  ! %s\n", w)
	}
	if r.Consent != nil {
		fmt.Fprintf(&b, "  = %s\n", r.Consent)
	}
	return b.String()
}
