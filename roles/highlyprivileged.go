package roles

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"
)

// The highly privileged roles are CISA's list, kept as data in
// highly-privileged.tsv (one role name a line, under the header "name").
//
//go:embed highly-privileged.tsv
var highlyPrivilegedTSV string

// HighlyPrivilegedSource names where the highly privileged role list comes
// from: the "Highly Privileged Roles" section of the CISA SCuBA Secure
// Configuration Baseline for Microsoft Entra ID, the list its policy
// MS.AAD.3.6v1 ("Phishing-resistant MFA SHALL be required for highly
// privileged roles") refers to.
const HighlyPrivilegedSource = "CISA SCuBA M365 Secure Configuration Baseline for Microsoft Entra ID, Highly Privileged Roles (MS.AAD.3.6v1)"

// HighlyPrivilegedURL is the baseline text the list was taken from.
const HighlyPrivilegedURL = "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md#highly-privileged-roles"

// HighlyPrivilegedAsOf is when the list was checked against the baseline
// (ScubaGear commit 0184ae4a; MS.AAD.3.6v1 last modified June 2023).
const HighlyPrivilegedAsOf = "2026-11-30"

var loadHighlyPrivileged = sync.OnceValue(func() []Role {
	rs, err := parseHighlyPrivileged(highlyPrivilegedTSV)
	if err != nil {
		panic("roles: invalid embedded data (build defect): highly-privileged.tsv: " + err.Error())
	}
	return rs
})

func parseHighlyPrivileged(data string) ([]Role, error) {
	rows, err := parseTSV(data, "name")
	if err != nil {
		return nil, err
	}
	var out []Role
	for _, row := range rows {
		r, ok := Lookup(row.fields[0])
		if !ok {
			return nil, fmt.Errorf("line %d: %q: %w", row.line, row.fields[0], ErrUnknownRole)
		}
		if slices.ContainsFunc(out, func(x Role) bool { return x.ID == r.ID }) {
			return nil, fmt.Errorf("line %d: %q listed twice", row.line, r.Name)
		}
		out = append(out, r)
	}
	return out, nil
}

// HighlyPrivileged returns the roles CISA's SCuBA baseline calls highly
// privileged ([HighlyPrivilegedSource], as of [HighlyPrivilegedAsOf]), in
// the baseline's order. The slice is a fresh copy.
//
// The list is narrower than [Role.Privileged] (Microsoft's PRIVILEGED
// label): it is the set for which the baseline requires
// phishing-resistant MFA, and it includes Exchange Administrator and
// SharePoint Administrator, which Microsoft does not label privileged.
func HighlyPrivileged() []Role { return slices.Clone(loadHighlyPrivileged()) }

// IsHighlyPrivileged reports whether the role with the given template ID or
// display name is on the [HighlyPrivileged] list.
func IsHighlyPrivileged(nameOrID string) bool {
	r, ok := Lookup(nameOrID)
	if !ok {
		return false
	}
	return slices.ContainsFunc(loadHighlyPrivileged(), func(x Role) bool { return x.ID == r.ID })
}
