package roles

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed entra-roles.tsv
var rolesTSV string

//go:embed workloads.tsv
var workloadsTSV string

// formerNames maps role names still seen in the field to the current
// display names in entra-roles.tsv.
var formerNames = map[string]string{
	"Company Administrator":                      "Global Administrator",
	"Teams Service Administrator":                "Teams Administrator",
	"Exchange Service Administrator":             "Exchange Administrator",
	"SharePoint Service Administrator":           "SharePoint Administrator",
	"Intune Service Administrator":               "Intune Administrator",
	"Azure AD Joined Device Local Administrator": "Microsoft Entra Joined Device Local Administrator",
}

// catalog is the parsed embedded data. It is never modified after parsing;
// functions hand out copies.
type catalog struct {
	roles      []Role         // sorted by Name
	byKey      map[string]int // lookupKey(name, former name or ID) -> index in roles
	workloads  []WorkloadInfo // in data order
	byWorkload map[Workload]int
}

// load parses the embedded data once. Invalid embedded data is a build
// defect, so it panics rather than returning an error every caller would
// have to handle.
var load = sync.OnceValue(func() *catalog {
	c, err := parseCatalog(rolesTSV, workloadsTSV, formerNames)
	if err != nil {
		panic("roles: invalid embedded data (build defect): " + err.Error())
	}
	return c
})

// lookupKey normalizes a role name or template ID for lookup: surrounding
// and repeated spaces are ignored, and so is case.
func lookupKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func parseCatalog(rolesData, workloadsData string, former map[string]string) (*catalog, error) {
	c := &catalog{byKey: make(map[string]int), byWorkload: make(map[Workload]int)}
	if err := c.parseRoles(rolesData); err != nil {
		return nil, fmt.Errorf("entra-roles.tsv: %w", err)
	}
	if err := c.addFormerNames(former); err != nil {
		return nil, err
	}
	if err := c.parseWorkloads(workloadsData); err != nil {
		return nil, fmt.Errorf("workloads.tsv: %w", err)
	}
	return c, nil
}

func (c *catalog) parseRoles(data string) error {
	rows, err := parseTSV(data, "name", "template_id", "privileged")
	if err != nil {
		return err
	}
	for _, row := range rows {
		r := Role{Name: row.fields[0], ID: row.fields[1]}
		if r.Name == "" {
			return fmt.Errorf("line %d: empty role name", row.line)
		}
		if !isLowerGUID(r.ID) {
			return fmt.Errorf("line %d: role %q: template ID %q is not a lowercase GUID", row.line, r.Name, r.ID)
		}
		switch row.fields[2] {
		case "yes":
			r.Privileged = true
		case "no":
		default:
			return fmt.Errorf("line %d: role %q: privileged is %q, want yes or no", row.line, r.Name, row.fields[2])
		}
		c.roles = append(c.roles, r)
	}
	if len(c.roles) == 0 {
		return errors.New("no roles")
	}
	slices.SortFunc(c.roles, func(a, b Role) int { return strings.Compare(a.Name, b.Name) })
	for i, r := range c.roles {
		for _, key := range []string{lookupKey(r.Name), r.ID} {
			if _, dup := c.byKey[key]; dup {
				return fmt.Errorf("role %q: duplicate name or template ID %q", r.Name, key)
			}
			c.byKey[key] = i
		}
	}
	return nil
}

func (c *catalog) addFormerNames(former map[string]string) error {
	for old, current := range former {
		i, ok := c.byKey[lookupKey(current)]
		if !ok {
			return fmt.Errorf("former name %q: current name %q: %w", old, current, ErrUnknownRole)
		}
		key := lookupKey(old)
		if j, dup := c.byKey[key]; dup && j != i {
			return fmt.Errorf("former name %q of %q is the name of another role", old, current)
		}
		c.byKey[key] = i
	}
	return nil
}

func (c *catalog) parseWorkloads(data string) error {
	rows, err := parseTSV(data, "workload", "display_name", "admin_roles", "read_only_roles", "basis")
	if err != nil {
		return err
	}
	for _, row := range rows {
		info := WorkloadInfo{
			Workload:    Workload(row.fields[0]),
			DisplayName: row.fields[1],
			Basis:       row.fields[4],
		}
		if info.Workload == "" || string(info.Workload) != lookupKey(string(info.Workload)) {
			return fmt.Errorf("line %d: workload %q is not a lowercase name", row.line, info.Workload)
		}
		if _, dup := c.byWorkload[info.Workload]; dup {
			return fmt.Errorf("line %d: duplicate workload %q", row.line, info.Workload)
		}
		if info.DisplayName == "" {
			return fmt.Errorf("line %d: workload %q: empty display name", row.line, info.Workload)
		}
		if info.Admin, err = c.roleList(row.fields[2]); err != nil {
			return fmt.Errorf("line %d: workload %q: admin roles: %w", row.line, info.Workload, err)
		}
		if len(info.Admin) == 0 {
			return fmt.Errorf("line %d: workload %q: no admin role", row.line, info.Workload)
		}
		if info.ReadOnly, err = c.roleList(row.fields[3]); err != nil {
			return fmt.Errorf("line %d: workload %q: read-only roles: %w", row.line, info.Workload, err)
		}
		c.byWorkload[info.Workload] = len(c.workloads)
		c.workloads = append(c.workloads, info)
	}
	if len(c.workloads) == 0 {
		return errors.New("no workloads")
	}
	return nil
}

// roleList resolves a comma-separated list of current role display names
// (exact spelling, so the data stays canonical). An empty cell is no roles.
func (c *catalog) roleList(cell string) ([]Role, error) {
	var list []Role
	for name := range strings.SplitSeq(cell, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		i, ok := c.byKey[lookupKey(name)]
		if !ok || c.roles[i].Name != name {
			return nil, fmt.Errorf("role %q: %w", name, ErrUnknownRole)
		}
		if slices.Contains(list, c.roles[i]) {
			return nil, fmt.Errorf("role %q listed twice", name)
		}
		list = append(list, c.roles[i])
	}
	return list, nil
}

type tsvRow struct {
	line   int
	fields []string
}

// parseTSV checks the header line and returns the data rows, each with
// exactly len(header) trimmed fields. Blank lines are skipped.
func parseTSV(data string, header ...string) ([]tsvRow, error) {
	var rows []tsvRow
	n := 0
	for line := range strings.Lines(data) {
		n++
		line = strings.TrimRight(line, "\r\n")
		if n == 1 {
			if got := strings.Split(line, "\t"); !slices.Equal(got, header) {
				return nil, fmt.Errorf("line 1: header is %q, want %q", got, header)
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != len(header) {
			return nil, fmt.Errorf("line %d: %d fields, want %d", n, len(fields), len(header))
		}
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		rows = append(rows, tsvRow{line: n, fields: fields})
	}
	if n == 0 {
		return nil, errors.New("empty file")
	}
	return rows, nil
}

// isLowerGUID reports whether s is a GUID in the canonical
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx form with lowercase hex digits.
func isLowerGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}
