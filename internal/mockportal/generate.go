package mockportal

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Value sets of the contract.
var (
	Severities  = []string{"Informational", "Warning", "Low", "Medium", "High", "Critical"}
	Statuses    = []string{"In Triage", "Open", "Closed"}
	Resolutions = []string{"Unresolved", "Resolved", "Help Requested", "Dismissed"}
	Types       = []string{"Action", "Recommendation", "Observation"}
)

// GeneratedProvider is the only provider of a Generate estate.
var GeneratedProvider = Provider{ID: "prov-0001", Name: "Demo MSSP"}

// OrgNames are the organization names Generate uses, in order; beyond them
// it repeats the list with a numeric suffix (" 2", " 3", ...).
var OrgNames = []string{
	"Acme Inc.", "Capsule Corp", "Globex", "Initech", "Umbrella Health",
	"Wayne Enterprises", "Stark Industries", "Acme Logistics",
}

type titleSet struct {
	typ         string
	alertPrefix string
	titles      []string
	uniTitles   []string // non-ASCII, used now and then
	paras       []*tmpl
	uniParas    []*tmpl // non-ASCII, appended now and then
}

// tmpl is a paragraph with placeholders, pre-split at init.
type tmpl struct{ parts []tmplPart }

type tmplPart struct {
	lit string
	ph  byte // 0: literal; 'h' host, 'u' user, 'i' ip, 'w' when, 'o' org, 'n' number
}

func parseTmpl(s string) *tmpl {
	t := &tmpl{}
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t.parts = append(t.parts, tmplPart{lit: s})
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if i > 0 {
			t.parts = append(t.parts, tmplPart{lit: s[:i]})
		}
		t.parts = append(t.parts, tmplPart{ph: s[i+1]})
		s = s[i+j+1:]
	}
	return t
}

type tmplVars struct{ host, user, ip, when, org, num string }

func (t *tmpl) render(b *strings.Builder, v *tmplVars) {
	for _, p := range t.parts {
		switch p.ph {
		case 0:
			b.WriteString(p.lit)
		case 'h':
			b.WriteString(v.host)
		case 'u':
			b.WriteString(v.user)
		case 'i':
			b.WriteString(v.ip)
		case 'w':
			b.WriteString(v.when)
		case 'o':
			b.WriteString(v.org)
		case 'n':
			b.WriteString(v.num)
		}
	}
}

func parseAll(ss ...string) []*tmpl {
	out := make([]*tmpl, len(ss))
	for i, s := range ss {
		out[i] = parseTmpl(s)
	}
	return out
}

var genSets = []titleSet{
	{
		typ:         "Action",
		alertPrefix: "action",
		titles: []string{
			"Malware detected", "Ransomware behaviour blocked", "Suspicious PowerShell execution",
			"Credential theft attempt (LSASS access)", "Compromised account: impossible travel",
			"Phishing email delivered to inbox",
			"Malicious mailbox forwarding rule created", "Brute-force attack against VPN gateway",
			"Cryptominer running on server",
		},
		uniTitles: []string{
			"Connexion suspecte détectée depuis un nouveau pays", "日本のIPアドレスからの不審なログイン",
			"Cryptominer running on server 🚨",
		},
		paras: parseAll(
			"On {w} UTC, malware was detected on {h} (last seen user: {u}): Trojan:Win32/Emotet.RPX!MTB. Threat location(s): file:C:\\Users\\{u}\\AppData\\Local\\Temp\\invoice_{n}.exe. While the above was blocked by an anti-virus, its presence could indicate further issues such as additional undetected malware or an attacker with persistent access into your network.",
			"This system should be isolated from your network until remediation can occur. Exact remediation steps will depend on the nature of the system and its role.",
			"If this system is not critical and does not contain sensitive information, the simplest solution may be a re-image. If the system is critical to your business operations, you may wish to engage us for further advice.",
			"Covalence observed {n} failed authentication attempts against {h} from {i} within ten minutes, followed by a successful sign-in for {u}. The source address is not associated with {o} and has been reported for abuse by other networks.",
			"Reset the password of {u}, revoke all active sessions and refresh tokens, and review the account's sign-in history and mailbox rules for changes made since {w} UTC.",
			"A process on {h} spawned powershell.exe with an encoded command (-enc) that downloads a second stage from a newly registered domain. The parent process was WINWORD.EXE, which suggests a malicious macro in a document opened by {u}.",
		),
		uniParas: parseAll(
			"L'utilisateur {u} s'est connecté depuis {i}, une adresse jamais vue pour {o}. Vérifiez auprès de l'utilisateur que cette connexion est légitime ; sinon, réinitialisez son mot de passe immédiatement. 🔐",
			"ログイン元: 東京、日本 ({i})。ユーザー {u} に確認してください。",
		),
	},
	{
		typ:         "Recommendation",
		alertPrefix: "recommendation",
		titles: []string{
			"Outdated software: Google Chrome", "Remote Desktop (RDP) exposed to the internet",
			"Weak TLS configuration on public web server", "Multi-factor authentication not enforced",
			"End-of-life operating system: Windows Server 2012 R2", "SMBv1 enabled on file server",
			"Legacy authentication protocols enabled in Microsoft 365",
		},
		uniTitles: []string{"Mettre à jour le micrologiciel du pare-feu", "Patch the 日本 office VPN appliance 🔧"},
		paras: parseAll(
			"Covalence identified that {h} is running a version of this software with {n} known vulnerabilities, including at least one that is exploited in the wild. Attackers routinely scan for and exploit such systems within days of a public disclosure.",
			"We recommend updating to the latest supported version as soon as possible and enabling automatic updates where practical. If the software is no longer needed, uninstall it to reduce the attack surface of {o}.",
			"The service on {i} accepts connections from any address on the internet. Restrict access to known addresses or place the service behind a VPN with multi-factor authentication.",
			"Supported protocol versions should be limited to TLS 1.2 and TLS 1.3; disable CBC cipher suites and ensure the certificate chain is complete. This change is low risk for modern clients.",
		),
		uniParas: parseAll(
			"Nous recommandons d'appliquer ce correctif lors de la prochaine fenêtre de maintenance. Les systèmes concernés chez {o} sont listés dans le portail ; contactez-nous pour toute question.",
		),
	},
	{
		typ:         "Observation",
		alertPrefix: "observation",
		titles: []string{
			"New device connected to the network", "Unusual volume of outbound DNS traffic",
			"Administrator account created", "Scheduled task created on domain controller",
			"Software installed: AnyDesk", "Firewall configuration changed",
		},
		uniTitles: []string{"Sign-in from Tokyo, 日本", "Firewall configuration changed ✅"},
		paras: parseAll(
			"On {w} UTC, Covalence observed a change on {h} made by {u}. This activity is often legitimate, for example during planned maintenance, but it is also a common step in an intrusion.",
			"No action is required if this change was expected. If it was not, please let us know by requesting help on this ARO and we will investigate further with you.",
			"The device at {i} was first seen on the {o} network {n} minutes before this observation was raised and has not been seen before in the last 90 days.",
			"Remote administration tools are popular with attackers because they blend in with legitimate IT activity. Confirm that the installation on {h} is approved by your IT team.",
		),
		uniParas: parseAll("✅ Change reviewed automatically: no match against known-bad indicators for {h}."),
	},
}

var stepLabels = []string{
	"Isolate and ensure that no further threats exist on this system.",
	"Reset the affected user's password and revoke active sessions.",
	"Confirm with the user that the activity is legitimate.",
	"Apply the vendor's security update.",
	"Restrict access to the service with a firewall rule.",
	"Enable multi-factor authentication for all users.",
	"Re-image the system from a known good build.",
	"Review authentication logs for the affected account.",
}

var hostKinds = []string{"WS", "SRV", "LT", "DC"}

var userNames = []string{"JohnQ", "jsmith", "a.nakamura", "m.dubois", "svc-backup", "admin", "kwilliams"}

var locales = []string{"en-CA", "fr-CA", "en-US", "en-GB", "ja-JP"}
var industries = []string{"IT & Telecoms", "Healthcare", "Manufacturing", "Finance", "Retail", "Logistics"}
var policies = []string{"Off", "Notify", "Automatic"}

type generator struct {
	r    *rand.Rand
	now  int64
	strs []string // arenas for pointers: fewer allocations
	refs []OrgRef
	ints []int64
}

func (g *generator) uuid() string {
	hi, lo := g.r.Uint64(), g.r.Uint64()
	hi = hi&^(0xf<<12) | 4<<12
	lo = lo&^(3<<62) | 2<<62
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	const hex = "0123456789abcdef"
	var out [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hex[c>>4], hex[c&0xf]
		j += 2
	}
	return string(out[:])
}

// null reports true about 10% of the time.
func (g *generator) null() bool { return g.r.IntN(10) == 0 }

func (g *generator) strPtr(s string) *string {
	if g.null() {
		return nil
	}
	return g.ptr(s)
}

func (g *generator) ptr(s string) *string {
	if len(g.strs) == 0 {
		g.strs = make([]string, 1024)
	}
	p := &g.strs[0]
	*p = s
	g.strs = g.strs[1:]
	return p
}

func pick[T any](g *generator, list []T) T { return list[g.r.IntN(len(list))] }

// fmtTime formats unix seconds as TimeLayout (UTC), faster than time.Format.
func fmtTime(sec int64) string {
	t := time.Unix(sec, 0).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	var b [19]byte
	put := func(i, v, n int) {
		for k := i + n - 1; k >= i; k-- {
			b[k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, int(mo), 2)
	b[7] = '-'
	put(8, d, 2)
	b[10] = ' '
	put(11, h, 2)
	b[13] = ':'
	put(14, mi, 2)
	b[16] = ':'
	put(17, s, 2)
	return string(b[:])
}

// weighted picks an index with the given relative weights.
func (g *generator) weighted(w ...int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	n := g.r.IntN(sum)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// Generate builds a deterministic (for a given seed and now) realistic
// estate of orgs organizations and aros AROs of the single provider
// GeneratedProvider. AROs are spread over the 90 days before now (some share
// a creation_time), use every severity, status, resolution and type, have
// about 10% nulls in each nullable field, and a few have no organization,
// unicode text or unknown extra fields.
func Generate(seed int64, orgs, aros int, now time.Time) *Data {
	g := &generator{r: rand.New(rand.NewPCG(uint64(seed), 0x5eedc0fa1e)), now: now.UTC().Unix()}
	d := &Data{MyProviders: []Provider{GeneratedProvider}, Providers: []Provider{GeneratedProvider}}

	type orgInfo struct {
		ref  OrgRef
		code string
	}
	infos := make([]orgInfo, 0, max(orgs, 0))
	for i := 0; i < orgs; i++ {
		name := OrgNames[i%len(OrgNames)]
		if i >= len(OrgNames) {
			name += " " + strconv.Itoa(i/len(OrgNames)+1)
		}
		slug := orgSlug(name)
		code := strings.ToUpper(slug[:min(len(slug), 8)])
		var email *string
		if i%5 != 3 {
			e := "security@" + slug + ".example"
			email = &e
		}
		id := g.uuid()
		clientID := strconv.Itoa(2019+i%6) + "-" + pad4(1000+i) + "-" + code
		created := g.now - 86400*int64(200+g.r.IntN(1500))
		trial := i%7 == 6
		status := "active"
		if trial {
			status = "trial"
		}
		d.Orgs = append(d.Orgs, Organization{
			ID: id, Name: name, Email: email, EmailARODetails: i%2 == 0,
			ProviderID: GeneratedProvider.ID,
			Detail: map[string]any{
				"active_response_profile": map[string]any{"options": nil, "response_policy": pick(g, policies)},
				"client_id":               clientID,
				"contacts": []any{map[string]any{
					"contact_info": nil, "created_time": fmtTime(created), "id": g.uuid(),
					"last_updated_time": fmtTime(created), "organization_id": id, "provider_id": nil,
					"type": "Administrative",
					"user": map[string]any{
						"ID": g.uuid(), "email": "it-admin@" + slug + ".example",
						"first_name": "IT", "last_name": "Admin " + code, "phone_number": "+1613555" + pad4(i),
					},
				}},
				"created_time":      fmtTime(created),
				"is_trial":          trial,
				"last_updated_time": fmtTime(created + 86400*int64(1+g.r.IntN(150))),
				"license_type":      "Covalence Complete",
				"profile": map[string]any{
					"default_locale": pick(g, locales), "industry": pick(g, industries), "website": nil,
				},
				"service_tier": "Complete",
				"status":       status,
			},
			Extra: map[string]any{"client_id": clientID},
		})
		infos = append(infos, orgInfo{ref: OrgRef{ID: id, Name: name, Email: email}, code: code})
	}

	if aros <= 0 {
		return d
	}
	const window = 90 * 86400
	times := make([]int64, aros)
	for i := range times {
		if i > 0 && g.r.IntN(10) == 0 {
			times[i] = times[g.r.IntN(i)] // shared creation_time: ties broken by ID
		} else {
			times[i] = g.now - 1 - g.r.Int64N(window)
		}
	}
	slices.SortFunc(times, func(a, b int64) int { return cmp.Compare(b, a) })

	d.AROs = make([]ARO, aros)
	for i := range d.AROs {
		a := &d.AROs[i]
		created := times[i]
		a.ID = g.uuid()
		a.SerialID = strconv.Itoa(aros - i)
		a.CreationTime = fmtTime(created)
		a.LastUpdatedTime = fmtTime(created + g.r.Int64N(g.now-created+1))

		var oi *orgInfo
		if len(infos) > 0 && g.r.IntN(40) != 0 {
			oi = &infos[g.r.IntN(len(infos))]
			if len(g.refs) == 0 {
				g.refs = make([]OrgRef, 512)
			}
			a.Organization = &g.refs[0]
			*a.Organization = oi.ref
			g.refs = g.refs[1:]
		}
		set := &genSets[g.weighted(40, 30, 30)]
		a.Type = set.typ
		a.Title = pick(g, set.titles)
		if g.r.IntN(25) == 0 {
			a.Title = pick(g, set.uniTitles)
		}
		a.Severity = Severities[g.weighted(15, 10, 20, 25, 20, 10)]
		switch g.weighted(15, 45, 40) {
		case 0:
			a.Status, a.Resolution = "In Triage", "Unresolved"
		case 1:
			a.Status, a.Resolution = "Open", Resolutions[g.weighted(75, 0, 25, 0)]
		default:
			a.Status, a.Resolution = "Closed", Resolutions[g.weighted(5, 60, 0, 35)]
		}

		v := tmplVars{user: pick(g, userNames), when: a.CreationTime, num: strconv.Itoa(3 + g.r.IntN(400))}
		if g.r.IntN(40) == 0 {
			v.user = "éloïse.martin"
		}
		v.ip = strconv.Itoa(11+g.r.IntN(200)) + "." + strconv.Itoa(g.r.IntN(256)) + "." +
			strconv.Itoa(g.r.IntN(256)) + "." + strconv.Itoa(1+g.r.IntN(254))
		code := "WORKGROUP"
		if oi != nil {
			code = oi.code
			v.org = oi.ref.Name
		} else {
			v.org = "your organization"
		}
		v.host = code + "-" + pick(g, hostKinds) + "-" + pad4(g.r.IntN(10000))
		if !g.null() {
			// details_markdown is a header followed by details: build it once
			// and let details share its memory.
			var sb strings.Builder
			sb.Grow(1536)
			sb.WriteString("**Host:** `")
			sb.WriteString(v.host)
			sb.WriteString("`  \n**User:** `")
			sb.WriteString(v.user)
			sb.WriteString("`\n\n")
			header := sb.Len()
			n := 1 + g.r.IntN(len(set.paras))
			start := g.r.IntN(len(set.paras))
			for p := 0; p < n; p++ {
				if p > 0 {
					sb.WriteString("\n\n")
				}
				set.paras[(start+p)%len(set.paras)].render(&sb, &v)
			}
			if g.r.IntN(12) == 0 {
				sb.WriteString("\n\n")
				pick(g, set.uniParas).render(&sb, &v)
			}
			md := sb.String()
			a.Details = g.ptr(md[header:])
			if !g.null() {
				a.DetailsMarkdown = g.ptr(md)
			}
		} else {
			a.DetailsMarkdown = g.strPtr("**Host:** `" + v.host + "`")
		}
		a.AlertKey = g.strPtr("fes-" + set.alertPrefix + "-" + strconv.Itoa(g.r.IntN(100000)))
		a.AnalystNotes = g.strPtr(pick(g, []string{
			"Confirmed with the client's IT contact.", "Likely benign; monitoring.",
			"Escalated to the SOC lead.", "Related to the maintenance window announced by the client.",
		}))
		a.DisplayURL = g.strPtr("https://services.fieldeffect.net/portal/aros/" + a.ID)
		a.ExternalBugID = g.strPtr("SEC-" + strconv.Itoa(1000+g.r.IntN(9000)))
		a.Notes = g.strPtr(pick(g, []string{"", "Client notified by phone.", "Ticket opened with vendor.", "Awaiting client response."}))
		a.TemplateID = g.strPtr(g.uuid())
		a.TriageID = g.strPtr(g.uuid())
		if !g.null() {
			if len(g.ints) == 0 {
				g.ints = make([]int64, 1024)
			}
			a.Count = &g.ints[0]
			*a.Count = int64(1 + g.r.IntN(50))
			g.ints = g.ints[1:]
		}

		switch x := g.r.IntN(10); {
		case x == 0:
			a.References = nil
		case x < 7:
			a.References = []string{}
		default:
			a.References = []string{"https://attack.mitre.org/techniques/T" + strconv.Itoa(1000+g.r.IntN(600)) + "/"}
			if x == 9 {
				a.References = append(a.References, "https://www.cisa.gov/known-exploited-vulnerabilities-catalog")
			}
		}
		if !g.null() {
			n := g.r.IntN(5)
			a.Steps = make([]Step, n)
			for s := range a.Steps {
				a.Steps[s] = Step{
					ID: g.uuid(), Completed: a.Status == "Closed" || g.r.IntN(3) == 0,
					Label:           stepLabels[(i+s)%len(stepLabels)],
					LastUpdatedTime: fmtTime(created + g.r.Int64N(g.now-created+1)),
				}
			}
		}
		if g.r.IntN(10) == 0 {
			a.Extra = map[string]any{
				"attachments": []any{},
				"insights":    map[string]any{},
				"frameworks":  []any{"CIS Controls v8 " + strconv.Itoa(1+g.r.IntN(18))},
			}
			if a.Status == "Closed" {
				a.Extra["resolution_time"] = a.LastUpdatedTime
				a.Extra["resolution_duration_seconds"] = mustParse(a.LastUpdatedTime) - created
			} else {
				a.Extra["resolution_time"] = nil
			}
		}
	}
	return d
}

func mustParse(s string) int64 {
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}

func pad4(n int) string {
	s := strconv.Itoa(n % 10000)
	return strings.Repeat("0", 4-len(s)) + s
}

// orgSlug makes a lower-case alphanumeric slug of an organization name.
func orgSlug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
