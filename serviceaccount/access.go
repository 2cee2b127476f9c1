package serviceaccount

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudhub/consent/roles"
)

// privilegedErrors names each privileged role the spec would grant with
// where it comes from: a workload at the access level, or Roles.
func privilegedErrors(workloads []roles.Workload, level roles.Access, extra []string) []error {
	var errs []error
	seen := map[string]bool{}
	for _, w := range workloads {
		wr, err := roles.ForWorkloads(level, w)
		if err != nil {
			continue // reported already
		}
		var priv []string
		for _, r := range wr {
			if r.Privileged && !seen[r.ID] {
				priv = append(priv, r.Name)
				seen[r.ID] = true
			}
		}
		if len(priv) > 0 {
			errs = append(errs, wrapFieldErr(ErrPrivileged, "Workloads", string(w), "%s access to it needs %s, which Microsoft marks privileged: refused unless AllowPrivileged is set",
				level, strings.Join(priv, ", ")))
		}
	}
	var priv []string
	for _, name := range extra {
		if r, ok := roles.Lookup(name); ok && r.Privileged && !seen[r.ID] {
			priv = append(priv, r.Name)
			seen[r.ID] = true
		}
	}
	if len(priv) > 0 {
		errs = append(errs, wrapFieldErr(ErrPrivileged, "Roles", strings.Join(priv, ", "), "privileged role(s) refused: set AllowPrivileged to grant them"))
	}
	return errs
}

// checkAccess checks the access level: required with workloads (never
// defaulted to admin), and one of the two levels when given.
func checkAccess(a roles.Access, workloads []roles.Workload) error {
	switch {
	case a == 0 && len(workloads) > 0:
		errs := []error{fieldErr("Access", "", "not set: choose roles.Admin or roles.ReadOnly for the workloads")}
		for _, w := range workloads {
			// Every known workload has admin roles: this fails only for
			// an unknown one.
			if _, err := roles.ForWorkloads(roles.Admin, w); err != nil {
				errs = append(errs, &FieldError{Field: "Workloads", Value: string(w), Err: err})
			}
		}
		return errors.Join(errs...)
	case a != 0 && a != roles.Admin && a != roles.ReadOnly:
		return fieldErr("Access", fmt.Sprint(int(a)), "must be roles.Admin or roles.ReadOnly")
	}
	return nil
}

// resolveRoles turns workloads, access level and extra role names into the
// de-duplicated role set, sorted by name.
func resolveRoles(workloads []roles.Workload, level roles.Access, extra []string) ([]roles.Role, error) {
	var out []roles.Role
	if len(workloads) > 0 {
		rs, err := roles.ForWorkloads(level, workloads...)
		if err != nil {
			return nil, &FieldError{Field: "Workloads", Value: joinWorkloads(workloads), Err: err}
		}
		out = rs
	}
	for _, name := range extra {
		r, ok := roles.Lookup(name)
		if !ok {
			return nil, wrapFieldErr(roles.ErrUnknownRole, "Roles", name, "is not a Microsoft Entra built-in role name or template ID")
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b roles.Role) int { return strings.Compare(a.Name, b.Name) })
	out = slices.CompactFunc(out, func(a, b roles.Role) bool { return a.ID == b.ID })
	return out, nil
}

func joinWorkloads(ws []roles.Workload) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = string(w)
	}
	return strings.Join(s, ",")
}
