package report

import "strings"

// mdEscaper makes an outside string inert in Markdown, inside table cells too: characters that
// start markup, links, code or HTML are backslash-escaped, and line breaks (which would end a
// table row) become spaces.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`,
	"|", `\|`, "~", `\~`, "#", `\#`, "!", `\!`, "&", `\&`,
	"\r\n", " ", "\n", " ", "\r", " ", "\u2028", " ", "\u2029", " ",
)

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdURLEscaper keeps a URL from closing the link that holds it or a table cell.
var mdURLEscaper = strings.NewReplacer("(", "%28", ")", "%29", "|", "%7C", " ", "%20", "<", "%3C", ">", "%3E")

// mdLink renders text as a link to u when u is http(s), and as plain text otherwise.
func mdLink(text, u string) string {
	if l, ok := linkable(u); ok {
		return "[" + mdText(text) + "](" + mdURLEscaper.Replace(l) + ")"
	}
	return mdText(text)
}
