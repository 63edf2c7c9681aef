/*
 * XML request bodies (RFC 4918 §14, §9.1 PROPFIND, §9.2 PROPPATCH, §9.10
 * LOCK, §17 extensibility; XML 1.0 and Namespaces in XML 1.0).
 *
 * Every row is run four ways and must give the same verdict each time:
 *   (a) fed whole in one call, with the fast scanner and by apr_xml alone,
 *   (b) split at every byte position k (0..len) into two feeds,
 *   (c) fed one byte per call.
 * Bodies over 8 KiB (the body_bytes boundary at the default 1000000) are
 * split at 64 evenly spaced positions instead of at every byte.
 *
 * Also: rwdav_xml_escape, rwdav_limits_default and the fault ids' table
 * (rwdav_error.c).
 */
#include "unit.h"

typedef struct {
    const char *name;
    rwdav_body_kind kind;
    const char *in;
    apr_size_t len;
    unit_gen_fn gen;
    const rwdav_limits *lim;    /* NULL: the defaults (unit_limits) */
    unit_verdict want;
} body_row;

#define PF RWDAV_BODY_PROPFIND
#define PP RWDAV_BODY_PROPPATCH
#define LI RWDAV_BODY_LOCKINFO

#define XMLDECL "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
#define D_NS " xmlns:D=\"DAV:\""

/* small, valid bodies reused below */
#define PF_ALLPROP "<D:propfind" D_NS "><D:allprop/></D:propfind>"
#define PP_SET "<D:propertyupdate" D_NS "><D:set><D:prop>" \
    "<Z:a xmlns:Z=\"urn:z\">1</Z:a></D:prop></D:set></D:propertyupdate>"
#define LI_EXCL "<D:lockinfo" D_NS "><D:lockscope><D:exclusive/>" \
    "</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>"

#define LI_OPEN "<D:lockinfo" D_NS ">"
#define LI_SCOPE "<D:lockscope><D:exclusive/></D:lockscope>"
#define LI_TYPE "<D:locktype><D:write/></D:locktype>"

static const rwdav_limits lim_body64 = { .body_bytes = 64 };
static const rwdav_limits lim_depth4 = { .xml_depth = 4 };
static const rwdav_limits lim_body64_depth4 = { .body_bytes = 64,
                                                .xml_depth = 4 };

/* ---- generated bodies ---- */

/* prefix, n nested <X:a> elements, then suffix */
static const char *nest(apr_pool_t *p, const char *prefix, apr_size_t n,
                        const char *suffix, apr_size_t *len)
{
    apr_size_t l1, l2;
    const char *open = unit_repeat(p, prefix, "<X:a>", n, "", "", &l1);
    const char *close = unit_repeat(p, "", "</X:a>", n, "", suffix, &l2);

    *len = l1 + l2;
    return apr_pstrcat(p, open, close, NULL);
}

/* propfind(1) prop(2) + 62 = 64 levels */
#define PF_NEST_OPEN "<D:propfind" D_NS " xmlns:X=\"urn:x\"><D:prop>"
#define PF_NEST_CLOSE "</D:prop></D:propfind>"
static const char *gen_pf_depth64(apr_pool_t *p, apr_size_t *len)
{
    return nest(p, PF_NEST_OPEN, 62, PF_NEST_CLOSE, len);
}

static const char *gen_pf_depth65(apr_pool_t *p, apr_size_t *len)
{
    return nest(p, PF_NEST_OPEN, 63, PF_NEST_CLOSE, len);
}

/* propertyupdate(1) set(2) prop(3) + 61 = 64 levels */
#define PP_NEST_OPEN "<D:propertyupdate" D_NS " xmlns:X=\"urn:x\">" \
    "<D:set><D:prop>"
#define PP_NEST_CLOSE "</D:prop></D:set></D:propertyupdate>"
static const char *gen_pp_depth64(apr_pool_t *p, apr_size_t *len)
{
    return nest(p, PP_NEST_OPEN, 61, PP_NEST_CLOSE, len);
}

static const char *gen_pp_depth65(apr_pool_t *p, apr_size_t *len)
{
    return nest(p, PP_NEST_OPEN, 62, PP_NEST_CLOSE, len);
}

/* lockinfo(1) owner(2) + 62 = 64 levels */
#define LI_NEST_OPEN "<D:lockinfo" D_NS " xmlns:X=\"urn:x\">" LI_SCOPE \
    LI_TYPE "<D:owner>"
#define LI_NEST_CLOSE "</D:owner></D:lockinfo>"
static const char *gen_li_depth64(apr_pool_t *p, apr_size_t *len)
{
    return nest(p, LI_NEST_OPEN, 62, LI_NEST_CLOSE, len);
}

static const char *gen_li_depth65(apr_pool_t *p, apr_size_t *len)
{
    return nest(p, LI_NEST_OPEN, 63, LI_NEST_CLOSE, len);
}

/* PF_ALLPROP (52 bytes) padded with trailing whitespace */
static const char *gen_pf_64(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, PF_ALLPROP, ' ', "", 64, len);
}

static const char *gen_pf_65(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, PF_ALLPROP, ' ', "", 65, len);
}

static const char *gen_pf_1000000(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, PF_ALLPROP, '\n', "", RWDAV_DEFAULT_BODY_BYTES, len);
}

static const char *gen_pf_1000001(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, PF_ALLPROP, '\n', "", RWDAV_DEFAULT_BODY_BYTES + 1,
                     len);
}

/* the same bodies, padded inside a comment */
static const char *gen_pf_comment_1000001(apr_pool_t *p, apr_size_t *len)
{
    return unit_fill(p, PF_ALLPROP "<!--", 'c', "-->",
                     RWDAV_DEFAULT_BODY_BYTES + 1, len);
}

/* ASCII text as UTF-16, little or big endian, with or without a BOM */
static const char *utf16(apr_pool_t *p, const char *ascii, int be, int bom,
                         apr_size_t *len)
{
    apr_size_t n = strlen(ascii), i, o = 0;
    char *buf = apr_palloc(p, 2 * n + 2);

    if (bom) {
        buf[o++] = be ? '\xfe' : '\xff';
        buf[o++] = be ? '\xff' : '\xfe';
    }
    for (i = 0; i < n; i++) {
        buf[o++] = be ? '\0' : ascii[i];
        buf[o++] = be ? ascii[i] : '\0';
    }
    *len = o;
    return buf;
}

#define U16_DECL "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
static const char *gen_utf16le_bom(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, U16_DECL PF_ALLPROP, 0, 1, len);
}

static const char *gen_utf16be_bom(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, U16_DECL PF_ALLPROP, 1, 1, len);
}

static const char *gen_utf16le_bom_nodecl(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, LI_EXCL, 0, 1, len);
}

static const char *gen_utf16be_bom_pp(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, U16_DECL PP_SET, 1, 1, len);
}

static const char *gen_utf16le_nobom(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, "<?xml version=\"1.0\" encoding=\"UTF-16LE\"?>"
                 PF_ALLPROP, 0, 0, len);
}

/* UCS-4 big endian (detected from "\0\0\0<"), which expat cannot read */
static const char *gen_ucs4be(apr_pool_t *p, apr_size_t *len)
{
    const char *ascii = PF_ALLPROP;
    apr_size_t n = strlen(ascii), i;
    char *buf = apr_pcalloc(p, 4 * n);

    for (i = 0; i < n; i++)
        buf[4 * i + 3] = ascii[i];
    *len = 4 * n;
    return buf;
}

/* UTF-16 (with BOM) declaring windows-1252: refused like in UTF-8 */
static const char *gen_utf16le_bom_1252(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
                 PF_ALLPROP, 0, 1, len);
}

/* UTF-16 whose declaration says UTF-8: expat (mod_dav) refuses it */
static const char *gen_utf16le_bom_utf8(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                 PF_ALLPROP, 0, 1, len);
}

static const char *gen_utf16be_bom_utf8(apr_pool_t *p, apr_size_t *len)
{
    return utf16(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                 PF_ALLPROP, 1, 1, len);
}

/* ---- the table ---- */

#define OK_(nm, k, v)   { nm, k, IN(v), NULL, NULL, V_OK }
/* refused: the fault's id (RWDAV_E_BODY_ id) and offset */
#define BE(id, off)     VE(RWDAV_E_BODY_##id, off)
#define BAD(nm, k, v, id, off) { nm, k, IN(v), NULL, NULL, BE(id, off) }
#define GEN(nm, k, g, lim, want) { nm, k, NULL, 0, g, lim, want }

#define LOL "<!ENTITY lol \"lol\">" \
    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" \
    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">" \
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">" \
    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">" \
    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">" \
    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">" \
    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">" \
    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">" \
    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"

static const body_row body_rows[] = {
    /* ---------------- PROPFIND ---------------- */
    OK_("PF 9.1.3 named properties", PF,
        XMLDECL
        "<D:propfind xmlns:D=\"DAV:\">\n"
        "  <D:prop xmlns:R=\"http://ns.example.com/boxschema/\">\n"
        "    <R:bigbox/>\n"
        "    <R:author/>\n"
        "    <R:DingALing/>\n"
        "    <R:Random/>\n"
        "  </D:prop>\n"
        "</D:propfind>\n"),
    OK_("PF 9.1.5 propname, default namespace", PF,
        XMLDECL
        "<propfind xmlns=\"DAV:\">\n  <propname/>\n</propfind>\n"),
    OK_("PF 9.1.6 allprop", PF,
        XMLDECL
        "<D:propfind xmlns:D=\"DAV:\">\n  <D:allprop/>\n</D:propfind>\n"),
    OK_("PF 9.1.7 allprop + include", PF,
        XMLDECL
        "<D:propfind xmlns:D=\"DAV:\">\n"
        "  <D:allprop/>\n"
        "  <D:include>\n"
        "    <D:supported-live-property-set/>\n"
        "    <D:supported-report-set/>\n"
        "  </D:include>\n"
        "</D:propfind>\n"),
    OK_("PF include before allprop", PF,
        "<D:propfind" D_NS "><D:include><D:getetag/></D:include>"
        "<D:allprop/></D:propfind>"),
    OK_("PF default namespace prop", PF,
        "<propfind xmlns=\"DAV:\"><prop><getetag/><displayname/></prop>"
        "</propfind>"),
    OK_("PF empty prop", PF, "<D:propfind" D_NS "><D:prop/></D:propfind>"),
    OK_("PF other prefix for DAV:", PF,
        "<a:propfind xmlns:a=\"DAV:\"><a:allprop/></a:propfind>"),
    OK_("PF single-quoted namespace", PF,
        "<D:propfind xmlns:D='DAV:'><D:allprop/></D:propfind>"),
    OK_("PF no XML declaration", PF, PF_ALLPROP),
    OK_("PF empty body", PF, ""),
    OK_("PF comments and PI", PF,
        "<?xml version=\"1.0\"?><!-- c --><?pi x?>"
        "<D:propfind" D_NS "><!-- in --><D:allprop/></D:propfind>"
        "<!-- after --><?pi y?>"),
    OK_("PF trailing whitespace", PF, PF_ALLPROP "\r\n\r\n\t "),
    OK_("PF unknown DAV: child ignored", PF,
        "<D:propfind" D_NS "><D:allprop/><D:foo/></D:propfind>"),
    OK_("PF foreign child ignored", PF,
        "<D:propfind" D_NS "><X:foo xmlns:X=\"urn:x\"><X:bar/></X:foo>"
        "<D:propname/></D:propfind>"),
    OK_("PF xmlns=\"\" on a child", PF,
        "<propfind xmlns=\"DAV:\"><allprop/><foo xmlns=\"\"/></propfind>"),
    OK_("PF DAV: prefix declared on the child", PF,
        "<propfind xmlns=\"DAV:\"><D:allprop" D_NS "/></propfind>"),
    OK_("PF DAV: names inside prop are properties", PF,
        "<D:propfind" D_NS "><D:prop><D:allprop/><D:include/><D:prop/>"
        "</D:prop></D:propfind>"),
    BAD("PF prefix rebound on the child", PF,
        "<D:propfind" D_NS "><D:prop xmlns:D=\"urn:x\"/></D:propfind>",
        PROPFIND_FORM, 52),
    OK_("PF entity and character references", PF,
        "<propfind xmlns=\"DAV:\"><prop><x xmlns=\"urn:a&amp;b\">"
        "&#233;&#x20AC;&lt;&gt;&amp;&apos;&quot;</x></prop></propfind>"),
    OK_("PF UTF-8 BOM", PF, "\xef\xbb\xbf" PF_ALLPROP),
    OK_("PF UTF-8 text", PF,
        "<D:propfind" D_NS "><D:prop><X:caf\xc3\xa9 xmlns:X=\"urn:x\"/>"
        "</D:prop></D:propfind>"),
    OK_("PF standalone", PF,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
        PF_ALLPROP),
    OK_("PF US-ASCII", PF,
        "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>" PF_ALLPROP),
    OK_("PF ISO-8859-1", PF,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" PF_ALLPROP),
    OK_("PF iso-8859-1 lower case", PF,
        "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>" PF_ALLPROP),
    GEN("PF UTF-16LE with BOM", PF, gen_utf16le_bom, NULL, V_OK),
    GEN("PF UTF-16BE with BOM", PF, gen_utf16be_bom, NULL, V_OK),
    GEN("PF UTF-16LE no BOM, declared", PF, gen_utf16le_nobom, NULL, V_OK),
    GEN("PF nesting 64", PF, gen_pf_depth64, NULL, V_OK),
    GEN("PF nesting 65", PF, gen_pf_depth65, NULL, BE(NESTING, 361)),
    { "PF xml_depth 4: 4 levels", PF,
      IN("<D:propfind" D_NS "><D:prop><X:a xmlns:X=\"urn:x\"><X:b/></X:a>"
         "</D:prop></D:propfind>"), NULL, &lim_depth4, V_OK },
    { "PF xml_depth 4: 5 levels", PF,
      IN("<D:propfind" D_NS "><D:prop><X:a xmlns:X=\"urn:x\"><X:b><X:c/>"
         "</X:b></X:a></D:prop></D:propfind>"), NULL, &lim_depth4,
      BE(NESTING, 61) },
    GEN("PF body_bytes 64: 64 bytes", PF, gen_pf_64, &lim_body64, V_OK),
    /* too large: at the cap */
    GEN("PF body_bytes 64: 65 bytes", PF, gen_pf_65, &lim_body64,
        BE(TOO_LARGE, 64)),
    { "PF body_bytes 64: 108 bytes", PF,
      IN(PF_ALLPROP "                                                        "),
      NULL, &lim_body64, BE(TOO_LARGE, 64) },
    /* found by fuzz_xmldiff (corpus/xmldiff/crash-over-cap-structure-400-
     * vs-413): a structure fault under the cap was 400 with the fast
     * scanner, 413 by apr_xml alone; it is told at the end, so 413 */
    { "PF body_bytes 64: wrong root, 68 bytes", PF,
      IN("<a/>                                                              "
         "  "), NULL, &lim_body64, BE(TOO_LARGE, 64) },
    { "PF body_bytes 64: nesting past xml_depth 4, 73 bytes", PF,
      IN("<D:propfind" D_NS "><D:prop><a><b><c/></b></a></D:prop>        "
         "   "), NULL, &lim_body64_depth4, BE(TOO_LARGE, 64) },
    GEN("PF 1000000 bytes (default cap)", PF, gen_pf_1000000, NULL, V_OK),
    GEN("PF 1000001 bytes (default cap)", PF, gen_pf_1000001, NULL,
        BE(TOO_LARGE, RWDAV_DEFAULT_BODY_BYTES)),
    GEN("PF 1000001 bytes, comment", PF, gen_pf_comment_1000001, NULL,
        BE(TOO_LARGE, RWDAV_DEFAULT_BODY_BYTES)),
    BAD("PF whitespace only", PF, "  \r\n\t", XML, 5),
    BAD("PF single space", PF, " ", XML, 1),
    BAD("PF XML declaration only", PF, "<?xml version=\"1.0\"?>", XML, 21),
    BAD("PF comment only", PF, "<!-- nothing -->", XML, 16),
    BAD("PF not XML", PF, "hello", XML, 0),
    BAD("PF root propertyupdate", PF, PP_SET, PROPFIND_ROOT, 0),
    BAD("PF root lockinfo", PF, LI_EXCL, PROPFIND_ROOT, 0),
    BAD("PF root in another namespace", PF,
        "<propfind xmlns=\"urn:x\"><allprop/></propfind>", PROPFIND_ROOT, 0),
    BAD("PF root without namespace", PF, "<propfind><allprop/></propfind>",
        PROPFIND_ROOT, 0),
    BAD("PF namespace DAV (no colon)", PF,
        "<propfind xmlns=\"DAV\"><allprop/></propfind>", PROPFIND_ROOT, 0),
    BAD("PF namespace dav: (case)", PF,
        "<propfind xmlns=\"dav:\"><allprop/></propfind>", PROPFIND_ROOT, 0),
    BAD("PF children in another namespace", PF,
        "<D:propfind" D_NS " xmlns=\"urn:x\"><allprop/></D:propfind>",
        PROPFIND_FORM, 51),
    BAD("PF empty root", PF, "<D:propfind" D_NS "/>", PROPFIND_FORM, 0),
    BAD("PF root without children", PF, "<D:propfind" D_NS "> </D:propfind>",
        PROPFIND_FORM, 28),
    BAD("PF only an unknown child", PF,
        "<D:propfind" D_NS "><D:foo/></D:propfind>", PROPFIND_FORM, 35),
    BAD("PF prop in foreign namespace", PF,
        "<D:propfind" D_NS "><X:prop xmlns:X=\"urn:x\"/></D:propfind>",
        PROPFIND_FORM, 52),
    BAD("PF prop twice", PF,
        "<D:propfind" D_NS "><D:prop/><D:prop/></D:propfind>", PROP_TWICE, 36),
    BAD("PF allprop twice", PF,
        "<D:propfind" D_NS "><D:allprop/><D:allprop/></D:propfind>",
        FORM_TWICE, 39),
    BAD("PF propname twice", PF,
        "<D:propfind" D_NS "><D:propname/><D:propname/></D:propfind>",
        FORM_TWICE, 40),
    BAD("PF prop + allprop", PF,
        "<D:propfind" D_NS "><D:prop/><D:allprop/></D:propfind>",
        PROPFIND_FORM, 48),
    BAD("PF allprop + propname", PF,
        "<D:propfind" D_NS "><D:allprop/><D:propname/></D:propfind>",
        PROPFIND_FORM, 52),
    BAD("PF prop + propname", PF,
        "<D:propfind" D_NS "><D:propname/><D:prop/></D:propfind>",
        PROPFIND_FORM, 49),
    BAD("PF include with prop", PF,
        "<D:propfind" D_NS "><D:prop><D:getetag/></D:prop>"
        "<D:include/></D:propfind>", INCLUDE_ALONE, 68),
    BAD("PF include with propname", PF,
        "<D:propfind" D_NS "><D:propname/><D:include/></D:propfind>",
        INCLUDE_ALONE, 52),
    BAD("PF include alone", PF,
        "<D:propfind" D_NS "><D:include><D:getetag/></D:include>"
        "</D:propfind>", PROPFIND_FORM, 62),
    BAD("PF include twice", PF,
        "<D:propfind" D_NS "><D:allprop/><D:include/><D:include/>"
        "</D:propfind>", INCLUDE_TWICE, 51),
    BAD("PF DOCTYPE", PF,
        "<?xml version=\"1.0\"?><!DOCTYPE D:propfind>" PF_ALLPROP,
        DOCTYPE, 21),
    BAD("PF DOCTYPE empty internal subset", PF,
        "<!DOCTYPE propfind []>" PF_ALLPROP, DOCTYPE, 0),
    BAD("PF DOCTYPE internal entity", PF,
        "<!DOCTYPE propfind [<!ENTITY x \"y\">]>"
        "<propfind xmlns=\"DAV:\"><prop><foo>&x;</foo></prop></propfind>",
        DOCTYPE, 0),
    BAD("PF DOCTYPE external DTD", PF,
        "<!DOCTYPE propfind SYSTEM \"http://example.com/x.dtd\">"
        PF_ALLPROP, DOCTYPE, 0),
    BAD("PF DOCTYPE external entity", PF,
        "<!DOCTYPE propfind [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        "<propfind xmlns=\"DAV:\"><prop><foo>&xxe;</foo></prop></propfind>",
        DOCTYPE, 0),
    BAD("PF DOCTYPE parameter entity", PF,
        "<!DOCTYPE propfind [<!ENTITY % p SYSTEM \"http://example.com/p\">"
        "%p;]>" PF_ALLPROP, DOCTYPE, 0),
    BAD("PF billion laughs", PF,
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [" LOL "]>"
        "<D:propfind" D_NS "><D:prop><X:a xmlns:X=\"urn:x\">&lol9;</X:a>"
        "</D:prop></D:propfind>", DOCTYPE, 21),
    BAD("PF DOCTYPE after root", PF, PF_ALLPROP "<!DOCTYPE x>", XML, 52),
    BAD("PF undeclared prefix on root", PF,
        "<D:propfind><D:allprop/></D:propfind>", NAMESPACE, 0),
    BAD("PF undeclared prefix on child", PF,
        "<D:propfind" D_NS "><D:prop><Z:foo/></D:prop></D:propfind>",
        NAMESPACE, 0),
    BAD("PF undeclared prefix on attribute", PF,
        "<D:propfind" D_NS "><D:allprop Z:a=\"1\"/></D:propfind>",
        NAMESPACE, 0),
    BAD("PF xmlns:x=\"\"", PF,
        "<D:propfind" D_NS " xmlns:x=\"\"><D:allprop/></D:propfind>",
        NAMESPACE, 0),
    /* Namespace faults that apr_xml, mod_dav's parser, lets through: mod_dav
     * reads these bodies, and svn's property names have two colons. */
    OK_("PF xmlns:xml rebound", PF,
        "<D:propfind" D_NS " xmlns:xml=\"urn:x\"><D:allprop/></D:propfind>"),
    OK_("PF xmlns:xmlns declared", PF,
        "<D:propfind" D_NS " xmlns:xmlns=\"urn:x\"><D:allprop/></D:propfind>"),
    BAD("PF duplicate attribute", PF,
        "<D:propfind" D_NS "><D:allprop a=\"1\" a=\"2\"/></D:propfind>",
        XML, 44),
    OK_("PF duplicate namespaced attribute", PF,
        "<D:propfind" D_NS "><D:allprop xmlns:a=\"urn:x\" xmlns:b=\"urn:x\""
        " a:z=\"1\" b:z=\"2\"/></D:propfind>"),
    BAD("PF duplicate xmlns", PF,
        "<D:propfind xmlns:D=\"DAV:\" xmlns:D=\"DAV:\"><D:allprop/>"
        "</D:propfind>", XML, 27),
    OK_("PF colon in local name", PF,
        "<D:propfind" D_NS "><D:allprop/><D:a:b/></D:propfind>"),
    BAD("PF junk text after root", PF, PF_ALLPROP "junk", XML, 52),
    BAD("PF second element after root", PF, PF_ALLPROP "<x/>", XML, 52),
    BAD("PF second root", PF, PF_ALLPROP PF_ALLPROP, XML, 52),
    BAD("PF truncated", PF, "<D:propfind" D_NS "><D:allprop/>", XML, 39),
    BAD("PF truncated in a tag", PF, "<D:propfind" D_NS "><D:allprop/></D:pro",
        XML, 39),
    /* expat stops at the end tag's name */
    BAD("PF mismatched end tag", PF,
        "<D:propfind" D_NS "><D:allprop></D:propfind>", XML, 40),
    BAD("PF XML declaration after whitespace", PF,
        " <?xml version=\"1.0\"?>" PF_ALLPROP, XML, 1),
    BAD("PF XML declaration twice", PF,
        "<?xml version=\"1.0\"?><?xml version=\"1.0\"?>" PF_ALLPROP, XML, 21),
    BAD("PF undefined entity", PF,
        "<propfind xmlns=\"DAV:\"><prop><foo>&x;</foo></prop></propfind>",
        XML, 34),
    BAD("PF character reference 0", PF,
        "<propfind xmlns=\"DAV:\"><prop><foo>&#0;</foo></prop></propfind>",
        XML, 34),
    BAD("PF character reference to a control", PF,
        "<propfind xmlns=\"DAV:\"><prop><foo>&#1;</foo></prop></propfind>",
        XML, 34),
    BAD("PF '<' in attribute", PF,
        "<D:propfind" D_NS "><D:allprop a=\"<\"/></D:propfind>", XML, 41),
    /* expat stops at the byte after '&' that starts no reference */
    BAD("PF unescaped &", PF,
        "<propfind xmlns=\"DAV:\"><prop><foo>a & b</foo></prop></propfind>",
        XML, 37),
    BAD("PF NUL in content", PF,
        "<D:propfind" D_NS "><D:allprop/>\0</D:propfind>", XML, 39),
    BAD("PF NUL after root", PF, PF_ALLPROP "\0", XML, 52),
    /* "\0<" makes expat read UTF-16BE: "<" is its first character, and
     * the second ("D:" as one) the first it cannot take */
    BAD("PF NUL first", PF, "\0" PF_ALLPROP, XML, 2),
    BAD("PF control character", PF,
        "<D:propfind" D_NS "><D:allprop/>\x01</D:propfind>", XML, 39),
    BAD("PF invalid UTF-8 0xff", PF,
        "<D:propfind" D_NS "><D:prop><X:a xmlns:X=\"urn:x\">\xff</X:a>"
        "</D:prop></D:propfind>", XML, 56),
    BAD("PF invalid UTF-8 in namespace name", PF,
        "<D:propfind" D_NS "><D:prop><X:a xmlns:X=\"urn:\xc3\x28\"/>"
        "</D:prop></D:propfind>", XML, 53),
    BAD("PF invalid UTF-8 in name", PF,
        "<D:propfind" D_NS "><D:prop><X:a\xe9 xmlns:X=\"urn:x\"/>"
        "</D:prop></D:propfind>", XML, 39),
    BAD("PF windows-1252", PF,
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>" PF_ALLPROP,
        XML, 30),
    BAD("PF ISO-8859-2", PF,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?>" PF_ALLPROP, XML, 30),
    BAD("PF KOI8-R", PF,
        "<?xml version=\"1.0\" encoding=\"KOI8-R\"?>" PF_ALLPROP, XML, 30),
    /* encoding names expat (mod_dav's parser) does not know */
    BAD("PF UTF8 (no hyphen)", PF,
        "<?xml version=\"1.0\" encoding=\"UTF8\"?>" PF_ALLPROP, XML, 30),
    BAD("PF latin1", PF,
        "<?xml version=\"1.0\" encoding=\"latin1\"?>" PF_ALLPROP, XML, 30),
    BAD("PF ASCII", PF,
        "<?xml version=\"1.0\" encoding=\"ASCII\"?>" PF_ALLPROP, XML, 30),
    BAD("PF Shift_JIS", PF,
        "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>" PF_ALLPROP, XML, 30),
    GEN("PF UTF-16 declaring windows-1252", PF, gen_utf16le_bom_1252, NULL,
        BE(XML, 62)),
    GEN("PF UCS-4BE (detected)", PF, gen_ucs4be, NULL, BE(XML, 0)),
    GEN("PF UTF-16LE (BOM) declaring UTF-8", PF, gen_utf16le_bom_utf8, NULL,
        BE(XML, 62)),
    GEN("PF UTF-16BE (BOM) declaring UTF-8", PF, gen_utf16be_bom_utf8, NULL,
        BE(XML, 62)),
    /* XML 1.0 5th edition allows these name characters; expat (mod_dav's
     * parser) does not, so mod_dav would answer 400 */
    BAD("PF U+2070 in a name", PF,
        "<propfind xmlns=\"DAV:\"><prop><x:a\xe2\x81\xb0 xmlns:x=\"urn:x\"/>"
        "</prop></propfind>", XML, 33),
    BAD("PF U+1F600 in a name", PF,
        "<propfind xmlns=\"DAV:\"><prop><x:a\xf0\x9f\x98\x80 "
        "xmlns:x=\"urn:x\"/></prop></propfind>", XML, 33),
    BAD("PF U+2070 in a prefix", PF,
        "<propfind xmlns=\"DAV:\"><prop><p\xe2\x81\xb0:a "
        "xmlns:p\xe2\x81\xb0=\"urn:x\"/></prop></propfind>", XML, 31),
    BAD("PF BOM inside a name", PF,
        "<propfind xmlns=\"DAV:\"><allprop/><foo\xef\xbb\xbf x=\"\"/>"
        "</propfind>", XML, 37),
    /* apr_xml puts prefixes starting with "xml" in no namespace: these are
     * not DAV:prop, DAV:set, DAV:lockscope to mod_dav */
    BAD("PF xmld: bound to DAV: on prop", PF,
        "<D:propfind xmlns:D=\"DAV:\" xmlns:xmld=\"DAV:\"><xmld:prop>"
        "<D:getetag/></xmld:prop></D:propfind>", PROPFIND_FORM, 80),
    BAD("PF XMLD: bound to DAV: on allprop", PF,
        "<D:propfind xmlns:D=\"DAV:\" xmlns:XMLD=\"DAV:\"><XMLD:allprop/>"
        "</D:propfind>", PROPFIND_FORM, 60),
    /* "<?xml" in EBCDIC (cp037): 4C 6F A7 94 93 */
    /* read as UTF-8: "Lo", then a byte that starts no character */
    BAD("PF EBCDIC (detected)", PF,
        "\x4c\x6f\xa7\x94\x93\x40\xa5\x85\x99\xa2\x89\x96\x95\x7e"
        "\x7f\xf1\x4b\xf0\x7f\x6f\x6e", XML, 2),

    /* ---------------- PROPPATCH ---------------- */
    BAD("PP xmld: bound to DAV: on set", PP,
        "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:xmld=\"DAV:\"><xmld:set>"
        "<D:prop><x:a xmlns:x=\"urn:x\"/></D:prop></xmld:set>"
        "</D:propertyupdate>", UPDATE_EMPTY, 111),
    BAD("LI xmld: bound to DAV: on lockscope", LI,
        "<D:lockinfo xmlns:D=\"DAV:\" xmlns:xmld=\"DAV:\"><xmld:lockscope>"
        "<D:exclusive/></xmld:lockscope>" LI_TYPE "</D:lockinfo>",
        LOCKINFO_CHILD, 45),
    OK_("PP svn property name with a colon", PP,
        "<D:propertyupdate xmlns:D=\"DAV:\" "
        "xmlns:C=\"http://subversion.tigris.org/xmlns/custom/\"><D:set><D:prop>"
        "<C:bugtraq:url>http://bugs/%BUGID%</C:bugtraq:url></D:prop></D:set>"
        "</D:propertyupdate>"),
    OK_("PP 9.2.2 set and remove", PP,
        XMLDECL
        "<D:propertyupdate xmlns:D=\"DAV:\"\n"
        "        xmlns:Z=\"http://ns.example.com/standards/z39.50/\">\n"
        "  <D:set>\n"
        "    <D:prop>\n"
        "      <Z:Authors>\n"
        "        <Z:Author>Jim Whitehead</Z:Author>\n"
        "        <Z:Author>Roy Fielding</Z:Author>\n"
        "      </Z:Authors>\n"
        "    </D:prop>\n"
        "  </D:set>\n"
        "  <D:remove>\n"
        "    <D:prop><Z:Copyright-Owner/></D:prop>\n"
        "  </D:remove>\n"
        "</D:propertyupdate>\n"),
    OK_("PP set, prefixed", PP, PP_SET),
    OK_("PP set, default namespace", PP,
        "<propertyupdate xmlns=\"DAV:\"><set><prop>"
        "<x xmlns=\"urn:x\">1</x></prop></set></propertyupdate>"),
    OK_("PP remove only", PP,
        "<D:propertyupdate" D_NS "><D:remove><D:prop><Z:a xmlns:Z=\"urn:z\"/>"
        "</D:prop></D:remove></D:propertyupdate>"),
    OK_("PP two sets", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop/></D:set>"
        "<D:set><D:prop/></D:set></D:propertyupdate>"),
    OK_("PP CDATA and xml:lang", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop>"
        "<Z:a xmlns:Z=\"urn:z\" xml:lang=\"en\"><![CDATA[<x>&]]></Z:a>"
        "</D:prop></D:set></D:propertyupdate>"),
    OK_("PP ISO-8859-1 byte", PP,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
        "<D:propertyupdate" D_NS "><D:set><D:prop>"
        "<Z:a xmlns:Z=\"urn:z\">caf\xe9</Z:a></D:prop></D:set>"
        "</D:propertyupdate>"),
    OK_("PP UTF-8 text", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop>"
        "<Z:a xmlns:Z=\"urn:z\">caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</Z:a>"
        "</D:prop></D:set></D:propertyupdate>"),
    OK_("PP DAV: prop inside a property value", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop><Z:a xmlns:Z=\"urn:z\">"
        "<D:prop/><D:set/></Z:a></D:prop></D:set></D:propertyupdate>"),
    GEN("PP UTF-16BE with BOM", PP, gen_utf16be_bom_pp, NULL, V_OK),
    GEN("PP nesting 64", PP, gen_pp_depth64, NULL, V_OK),
    GEN("PP nesting 65", PP, gen_pp_depth65, NULL, BE(NESTING, 369)),
    { "PP body_bytes 64", PP, IN(PP_SET), NULL, &lim_body64,
      BE(TOO_LARGE, 64) },
    BAD("PP empty body", PP, "", PROPPATCH_EMPTY, 0),
    BAD("PP whitespace only", PP, "\n", XML, 1),
    BAD("PP root propfind", PP, PF_ALLPROP, PROPPATCH_ROOT, 0),
    BAD("PP root in another namespace", PP,
        "<propertyupdate xmlns=\"urn:x\"><set><prop/></set></propertyupdate>",
        PROPPATCH_ROOT, 0),
    BAD("PP root without namespace", PP,
        "<propertyupdate><set><prop/></set></propertyupdate>",
        PROPPATCH_ROOT, 0),
    BAD("PP empty root", PP, "<D:propertyupdate" D_NS "/>", UPDATE_EMPTY, 0),
    BAD("PP only a foreign child", PP,
        "<D:propertyupdate" D_NS "><X:set xmlns:X=\"urn:x\"><D:prop/></X:set>"
        "</D:propertyupdate>", UPDATE_EMPTY, 73),
    BAD("PP prop without set", PP,
        "<D:propertyupdate" D_NS "><D:prop/></D:propertyupdate>",
        UPDATE_EMPTY, 42),
    BAD("PP set without prop", PP,
        "<D:propertyupdate" D_NS "><D:set/></D:propertyupdate>",
        UPDATE_PROP, 33),
    BAD("PP remove without prop", PP,
        "<D:propertyupdate" D_NS "><D:remove></D:remove></D:propertyupdate>",
        UPDATE_PROP, 43),
    BAD("PP set with two props", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop/><D:prop/></D:set>"
        "</D:propertyupdate>", UPDATE_PROP, 58),
    BAD("PP remove with two props", PP,
        "<D:propertyupdate" D_NS "><D:remove><D:prop/><D:prop/></D:remove>"
        "</D:propertyupdate>", UPDATE_PROP, 61),
    BAD("PP good set, bad remove", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop/></D:set><D:remove/>"
        "</D:propertyupdate>", UPDATE_PROP, 57),
    BAD("PP DOCTYPE", PP, "<!DOCTYPE D:propertyupdate>" PP_SET, DOCTYPE, 0),
    BAD("PP windows-1252", PP,
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
        "<D:propertyupdate" D_NS "><D:set><D:prop>"
        "<Z:a xmlns:Z=\"urn:z\">\x80</Z:a></D:prop></D:set>"
        "</D:propertyupdate>", XML, 30),
    BAD("PP invalid UTF-8 (truncated sequence)", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop>"
        "<Z:a xmlns:Z=\"urn:z\">\xe2\x82</Z:a></D:prop></D:set>"
        "</D:propertyupdate>", XML, 69),
    BAD("PP invalid UTF-8 (overlong /)", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop>"
        "<Z:a xmlns:Z=\"urn:z\">\xc0\xaf</Z:a></D:prop></D:set>"
        "</D:propertyupdate>", XML, 69),
    BAD("PP invalid UTF-8 (surrogate)", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop>"
        "<Z:a xmlns:Z=\"urn:z\">\xed\xa0\x80</Z:a></D:prop></D:set>"
        "</D:propertyupdate>", XML, 69),
    BAD("PP undeclared prefix", PP,
        "<D:propertyupdate" D_NS "><D:set><D:prop><Z:a/></D:prop></D:set>"
        "</D:propertyupdate>", NAMESPACE, 0),
    BAD("PP junk after root", PP, PP_SET "x", XML, 112),

    /* ---------------- LOCK ---------------- */
    OK_("LI 9.10.7 exclusive write with owner", LI,
        XMLDECL
        "<D:lockinfo xmlns:D='DAV:'>\n"
        "  <D:lockscope><D:exclusive/></D:lockscope>\n"
        "  <D:locktype><D:write/></D:locktype>\n"
        "  <D:owner>\n"
        "    <D:href>http://example.org/~ejw/contact.html</D:href>\n"
        "  </D:owner>\n"
        "</D:lockinfo>\n"),
    OK_("LI exclusive, no owner", LI, LI_EXCL),
    OK_("LI shared, default namespace", LI,
        "<lockinfo xmlns=\"DAV:\"><lockscope><shared/></lockscope>"
        "<locktype><write/></locktype></lockinfo>"),
    OK_("LI locktype before lockscope", LI,
        LI_OPEN LI_TYPE LI_SCOPE "</D:lockinfo>"),
    OK_("LI owner text", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<D:owner>Jane &amp; co</D:owner>"
        "</D:lockinfo>"),
    OK_("LI owner with foreign markup", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<D:owner><X:a xmlns:X=\"urn:x\" b=\"c\">"
        "<X:b/>t</X:a></D:owner></D:lockinfo>"),
    OK_("LI empty owner", LI, LI_OPEN LI_SCOPE LI_TYPE "<D:owner/></D:lockinfo>"),
    OK_("LI empty body (refresh)", LI, ""),
    OK_("LI DAV: elements inside owner", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<D:owner>" LI_SCOPE LI_TYPE
        "<D:owner/><D:foo/></D:owner></D:lockinfo>"),
    OK_("LI whitespace between children", LI,
        LI_OPEN "\n\t<D:lockscope>\n<D:exclusive/>\n</D:lockscope>\n"
        "<D:locktype> <D:write/> </D:locktype>\n</D:lockinfo>\n"),
    GEN("LI UTF-16LE with BOM, no declaration", LI, gen_utf16le_bom_nodecl,
        NULL, V_OK),
    GEN("LI nesting 64", LI, gen_li_depth64, NULL, V_OK),
    GEN("LI nesting 65", LI, gen_li_depth65, NULL, BE(NESTING, 438)),
    { "LI body_bytes 64", LI, IN(LI_EXCL), NULL, &lim_body64,
      BE(TOO_LARGE, 64) },
    BAD("LI whitespace only", LI, "\r\n", XML, 2),
    BAD("LI root propfind", LI, PF_ALLPROP, LOCKINFO_ROOT, 0),
    BAD("LI root in another namespace", LI,
        "<lockinfo xmlns=\"urn:x\"><lockscope><exclusive/></lockscope>"
        "<locktype><write/></locktype></lockinfo>", LOCKINFO_ROOT, 0),
    BAD("LI root without namespace", LI,
        "<lockinfo><lockscope><exclusive/></lockscope>"
        "<locktype><write/></locktype></lockinfo>", LOCKINFO_ROOT, 0),
    BAD("LI empty root", LI, "<D:lockinfo" D_NS "/>", LOCKINFO_PARTS, 0),
    BAD("LI missing lockscope", LI, LI_OPEN LI_TYPE "</D:lockinfo>",
        LOCKINFO_PARTS, 62),
    BAD("LI missing locktype", LI, LI_OPEN LI_SCOPE "</D:lockinfo>",
        LOCKINFO_PARTS, 68),
    BAD("LI two lockscopes", LI,
        LI_OPEN LI_SCOPE LI_SCOPE LI_TYPE "</D:lockinfo>",
        LOCKSCOPE_TWICE, 68),
    BAD("LI two locktypes", LI,
        LI_OPEN LI_SCOPE LI_TYPE LI_TYPE "</D:lockinfo>", LOCKTYPE_TWICE, 103),
    BAD("LI two owners", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<D:owner>a</D:owner><D:owner>b</D:owner>"
        "</D:lockinfo>", OWNER_TWICE, 123),
    BAD("LI empty lockscope", LI,
        LI_OPEN "<D:lockscope/>" LI_TYPE "</D:lockinfo>", LOCKSCOPE, 27),
    BAD("LI exclusive and shared", LI,
        LI_OPEN "<D:lockscope><D:exclusive/><D:shared/></D:lockscope>"
        LI_TYPE "</D:lockinfo>", LOCKSCOPE, 65),
    BAD("LI exclusive twice", LI,
        LI_OPEN "<D:lockscope><D:exclusive/><D:exclusive/></D:lockscope>"
        LI_TYPE "</D:lockinfo>", LOCKSCOPE, 68),
    BAD("LI foreign exclusive", LI,
        LI_OPEN "<D:lockscope><X:exclusive xmlns:X=\"urn:x\"/></D:lockscope>"
        LI_TYPE "</D:lockinfo>", LOCKSCOPE, 70),
    BAD("LI unknown lockscope", LI,
        LI_OPEN "<D:lockscope><D:local/></D:lockscope>" LI_TYPE
        "</D:lockinfo>", LOCKSCOPE, 50),
    BAD("LI empty locktype", LI,
        LI_OPEN LI_SCOPE "<D:locktype></D:locktype></D:lockinfo>",
        LOCKTYPE, 80),
    BAD("LI locktype read", LI,
        LI_OPEN LI_SCOPE "<D:locktype><D:read/></D:locktype></D:lockinfo>",
        LOCKTYPE, 89),
    BAD("LI write twice", LI,
        LI_OPEN LI_SCOPE "<D:locktype><D:write/><D:write/></D:locktype>"
        "</D:lockinfo>", LOCKTYPE, 100),
    BAD("LI foreign write", LI,
        LI_OPEN LI_SCOPE "<D:locktype><X:write xmlns:X=\"urn:x\"/>"
        "</D:locktype></D:lockinfo>", LOCKTYPE, 106),
    BAD("LI other DAV: child", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<D:timeout/></D:lockinfo>",
        LOCKINFO_CHILD, 103),
    BAD("LI foreign child", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<X:foo xmlns:X=\"urn:x\"/></D:lockinfo>",
        LOCKINFO_CHILD, 103),
    BAD("LI DOCTYPE", LI, "<!DOCTYPE D:lockinfo>" LI_EXCL, DOCTYPE, 0),
    BAD("LI DOCTYPE with entity", LI,
        "<!DOCTYPE lockinfo [<!ENTITY o \"me\">]>" LI_OPEN LI_SCOPE LI_TYPE
        "<D:owner>&o;</D:owner></D:lockinfo>", DOCTYPE, 0),
    BAD("LI windows-1252", LI,
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>" LI_EXCL, XML, 30),
    BAD("LI undeclared prefix", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<D:owner><Q:x/></D:owner></D:lockinfo>",
        NAMESPACE, 0),
    BAD("LI junk after root", LI, LI_EXCL "<D:lockinfo/>", XML, 116),
    BAD("LI invalid UTF-8 in owner", LI,
        LI_OPEN LI_SCOPE LI_TYPE "<D:owner>\xff\xfe</D:owner></D:lockinfo>",
        XML, 112),
};

/* ---- running a body ---- */

enum { MODE_WHOLE, MODE_XML, MODE_SPLIT, MODE_BYTES };

typedef struct {
    apr_size_t size;            /* rwdav_body_size before finish, if reached */
    int finished;               /* the verdict came from rwdav_body_finish */
    const char *diff;           /* unit_verdict_diff against the row */
} run_result;

static run_result run_body(apr_pool_t *parent, const body_row *r,
                           const rwdav_limits *lim, const char *buf,
                           apr_size_t len, int mode, apr_size_t split)
{
    apr_pool_t *p = NULL;
    rwdav_body *b;
    rwdav_error *err = NULL;
    run_result res = { 0, 0, NULL };
    apr_size_t off;

    ck_assert(apr_pool_create(&p, parent) == APR_SUCCESS);
    b = rwdav_body_create(p, r->kind, lim);
    ck_assert_msg(b != NULL, "[%s] rwdav_body_create returned NULL",
                  r->name);
    switch (mode) {
    case MODE_XML:
        rwdav_body_parser_only(b);
        /* fall through */
    case MODE_WHOLE:
        err = rwdav_body_feed(b, buf, len);
        break;
    case MODE_SPLIT:
        err = rwdav_body_feed(b, buf, split);
        if (err == NULL)
            err = rwdav_body_feed(b, buf + split, len - split);
        break;
    default:
        for (off = 0; off < len && err == NULL; off++)
            err = rwdav_body_feed(b, buf + off, 1);
        break;
    }
    if (err == NULL) {
        res.size = rwdav_body_size(b);
        res.finished = 1;
        err = rwdav_body_finish(b);
    }
    res.diff = unit_verdict_diff(parent, err, r->want, UNIT_NO_LEN);
    apr_pool_destroy(p);            /* runs the parser's cleanup */
    return res;
}

static void check_run(apr_pool_t *p, const body_row *r, run_result res,
                      apr_size_t len, const char *how)
{
    ck_assert_msg(res.diff == NULL, "[%s] fed %s: %s", r->name, how,
                  res.diff);
    if (res.finished)
        ck_assert_msg(res.size == len, "[%s] fed %s: rwdav_body_size %lu, "
                      "expected %lu", r->name, how, (unsigned long)res.size,
                      (unsigned long)len);
}

START_TEST(test_body)
{
    const body_row *r = &body_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *buf = r->in;
    apr_size_t len = r->len, k, step;
    rwdav_limits lim;
    run_result res;

    if (r->gen)
        buf = r->gen(p, &len);
    unit_limits(&lim, r->lim);

    res = run_body(p, r, &lim, buf, len, MODE_WHOLE, 0);
    check_run(p, r, res, len, "whole");
    res = run_body(p, r, &lim, buf, len, MODE_XML, 0);
    check_run(p, r, res, len, "whole to apr_xml alone");

    step = len > 8192 ? len / 64 : 1;
    for (k = 0; k <= len; k += step) {
        res = run_body(p, r, &lim, buf, len, MODE_SPLIT, k);
        check_run(p, r, res, len,
                  apr_psprintf(p, "in two at %lu", (unsigned long)k));
    }
    if (step > 1) {                 /* and the last byte on its own */
        res = run_body(p, r, &lim, buf, len, MODE_SPLIT, len - 1);
        check_run(p, r, res, len, "in two at len-1");
    }

    res = run_body(p, r, &lim, buf, len, MODE_BYTES, 0);
    check_run(p, r, res, len, "one byte at a time");
    apr_pool_destroy(p);
}
END_TEST

/* Zero-length feeds between the bytes change nothing. */
START_TEST(test_body_empty_feeds)
{
    static const char body[] = PF_ALLPROP;
    apr_pool_t *p = unit_pool();
    rwdav_limits lim;
    rwdav_body *b;
    rwdav_error *err = NULL;
    apr_size_t i;

    unit_limits(&lim, NULL);
    b = rwdav_body_create(p, PF, &lim);
    ck_assert(b != NULL);
    for (i = 0; i < sizeof(body) - 1 && err == NULL; i++) {
        err = rwdav_body_feed(b, body + i, 0);
        if (err == NULL)
            err = rwdav_body_feed(b, body + i, 1);
    }
    ck_assert_msg(err == NULL, "feed: %d.%d", err ? err->status : 0,
                  err ? (int)err->sub : 0);
    ck_assert_uint_eq(rwdav_body_size(b), sizeof(body) - 1);
    err = rwdav_body_finish(b);
    ck_assert_msg(err == NULL, "finish: %d.%d (%s)", err ? err->status : 0,
                  err ? (int)err->sub : 0, err ? err->reason : "");
    apr_pool_destroy(p);
}
END_TEST

/* ---- rwdav_xml_escape ---- */

typedef struct {
    const char *name;
    const char *in;
    apr_size_t len;
    const char *want;
    const char *alt;            /* another spelling as good, or NULL */
} esc_row;

static const esc_row esc_rows[] = {
    { "plain",       IN("plain text 123"), "plain text 123", NULL },
    { "empty",       IN(""), "", NULL },
    { "amp",         IN("a&b"), "a&amp;b", NULL },
    { "lt gt",       IN("<>"), "&lt;&gt;", NULL },
    { "quot",        IN("\""), "&quot;", "&#34;" },
    { "apos",        IN("'"), "&apos;", "&#39;" },
    { "markup",      IN("<a href=x>&amp;</a>"),
      "&lt;a href=x&gt;&amp;amp;&lt;/a&gt;", NULL },
    { "NUL",         IN("\0"), "?", NULL },
    { "NUL inside",  IN("a\0b"), "a?b", NULL },
    { "controls",    IN("\x01\x1f\x7f"), "???", NULL },
    { "tab CR LF",   IN("\t\r\n"), "???", NULL },
    { "UTF-8 bytes", IN("\xc3\xa9"), "??", NULL },
    { "high byte",   IN("a\xff" "b"), "a?b", NULL },
    { "printable edges", IN(" ~"), " ~", NULL },
    { "length bound", "abcdef", 3, "abc", NULL },
    { "length bound before &", "ab&", 2, "ab", NULL },
};

START_TEST(test_xml_escape)
{
    const esc_row *r = &esc_rows[_i];
    apr_pool_t *p = unit_pool();
    const char *got = rwdav_xml_escape(p, r->in, r->len);

    ck_assert_msg(got != NULL, "[%s] NULL", r->name);
    ck_assert_msg(strcmp(got, r->want) == 0
                  || (r->alt && strcmp(got, r->alt) == 0),
                  "[%s] \"%s\": got \"%s\", expected \"%s\"", r->name,
                  unit_repr(p, r->in, r->len),
                  unit_repr(p, got, strlen(got)), r->want);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(test_limits_default)
{
    rwdav_limits lim;

    /* every field, whatever it held */
    memset(&lim, 0xa5, sizeof(lim));
    rwdav_limits_default(&lim);
    ck_assert_uint_eq(lim.header_len, RWDAV_DEFAULT_HEADER_LEN);
    ck_assert_uint_eq(lim.if_lists, RWDAV_DEFAULT_IF_LISTS);
    ck_assert_uint_eq(lim.if_conditions, RWDAV_DEFAULT_IF_CONDITIONS);
    ck_assert_uint_eq(lim.body_bytes, RWDAV_DEFAULT_BODY_BYTES);
    ck_assert_uint_eq(lim.xml_depth, RWDAV_DEFAULT_XML_DEPTH);
    ck_assert_uint_eq(lim.timeout_types, RWDAV_DEFAULT_TIMEOUT_TYPES);
    /* unit_limits: the defaults, and a row's non-zero caps over them */
    {
        rwdav_limits custom = { .header_len = 7, .xml_depth = 3 };
        unit_limits(&lim, &custom);
        ck_assert_uint_eq(lim.header_len, 7);
        ck_assert_uint_eq(lim.xml_depth, 3);
        ck_assert_uint_eq(lim.if_lists, RWDAV_DEFAULT_IF_LISTS);
        ck_assert_uint_eq(lim.body_bytes, RWDAV_DEFAULT_BODY_BYTES);
    }
}
END_TEST

/* ---- the fault ids (rwdav_error.c) ----
 * Their names are published: log lines and response bodies carry them, so
 * a name never changes and is never reused. This list pins them; a new id
 * adds a row, nothing else here changes. */
static const struct {
    rwdav_error_id id;
    const char *name;
} id_names[] = {
    { RWDAV_E_DEPTH_EMPTY, "depth.empty" },
    { RWDAV_E_DEPTH_VALUE, "depth.value" },
    { RWDAV_E_DEPTH_PROPFIND_ABSENT, "depth.propfind-absent" },
    { RWDAV_E_DEPTH_PROPFIND_INFINITY, "depth.propfind-infinity" },
    { RWDAV_E_DEPTH_COPY, "depth.copy" },
    { RWDAV_E_DEPTH_MOVE, "depth.move" },
    { RWDAV_E_DEPTH_LOCK, "depth.lock" },
    { RWDAV_E_DEPTH_DELETE_COLLECTION, "depth.delete-collection" },
    { RWDAV_E_DEPTH_DELETE, "depth.delete" },
    { RWDAV_E_OVERWRITE_EMPTY, "overwrite.empty" },
    { RWDAV_E_OVERWRITE_VALUE, "overwrite.value" },
    { RWDAV_E_TRANSLATE_VALUE, "translate.value" },
    { RWDAV_E_DEST_EMPTY, "destination.empty" },
    { RWDAV_E_DEST_TOO_LONG, "destination.too-long" },
    { RWDAV_E_DEST_NOT_REFERENCE, "destination.not-reference" },
    { RWDAV_E_DEST_NETWORK_PATH, "destination.network-path" },
    { RWDAV_E_DEST_BAD_ESCAPE, "destination.bad-escape" },
    { RWDAV_E_DEST_ENCODED_NUL, "destination.encoded-nul" },
    { RWDAV_E_DEST_FRAGMENT, "destination.fragment" },
    { RWDAV_E_DEST_CHAR, "destination.char" },
    { RWDAV_E_DEST_USERINFO_CHAR, "destination.userinfo-char" },
    { RWDAV_E_DEST_IP_LITERAL_CHAR, "destination.ip-literal-char" },
    { RWDAV_E_DEST_IP_LITERAL_UNCLOSED, "destination.ip-literal-unclosed" },
    { RWDAV_E_DEST_HOST_CHAR, "destination.host-char" },
    { RWDAV_E_DEST_AFTER_HOST, "destination.after-host" },
    { RWDAV_E_DEST_PORT_NOT_NUMBER, "destination.port-not-number" },
    { RWDAV_E_DEST_PORT_RANGE, "destination.port-range" },
    { RWDAV_E_DEST_NUL, "destination.nul" },
    { RWDAV_E_DEST_DOT_SEGMENT, "destination.dot-segment" },
    { RWDAV_E_DEST_NO_HOST, "destination.no-host" },
    { RWDAV_E_DEST_USERINFO, "destination.userinfo" },
    { RWDAV_E_DEST_OTHER_SCHEME, "destination.other-scheme" },
    { RWDAV_E_DEST_OTHER_SERVER, "destination.other-server" },
    { RWDAV_E_DEST_ROOT, "destination.root" },
    { RWDAV_E_DEST_PATH, "destination.path" },
    { RWDAV_E_DEST_SELF, "destination.self" },
    { RWDAV_E_DEST_PARENT, "destination.parent" },
    { RWDAV_E_DEST_INSIDE, "destination.inside" },
    { RWDAV_E_IF_EMPTY, "if.empty" },
    { RWDAV_E_IF_TOO_LONG, "if.too-long" },
    { RWDAV_E_IF_COMMA, "if.comma" },
    { RWDAV_E_IF_SYNTAX, "if.syntax" },
    { RWDAV_E_IF_MIXED_TAGGING, "if.mixed-tagging" },
    { RWDAV_E_IF_TAG_WITHOUT_LIST, "if.tag-without-list" },
    { RWDAV_E_IF_TOO_MANY_LISTS, "if.too-many-lists" },
    { RWDAV_E_IF_LIST_UNCLOSED, "if.list-unclosed" },
    { RWDAV_E_IF_LIST_EMPTY, "if.list-empty" },
    { RWDAV_E_IF_LIST_SYNTAX, "if.list-syntax" },
    { RWDAV_E_IF_NOT_TWICE, "if.not-twice" },
    { RWDAV_E_IF_TOO_MANY_CONDITIONS, "if.too-many-conditions" },
    { RWDAV_E_IF_TOKEN_UNCLOSED, "if.token-unclosed" },
    { RWDAV_E_IF_TOKEN_EMPTY, "if.token-empty" },
    { RWDAV_E_IF_TOKEN_NOT_URI, "if.token-not-uri" },
    { RWDAV_E_IF_TOKEN_OPAQUE, "if.token-opaquelocktoken" },
    { RWDAV_E_IF_ETAG_UNQUOTED, "if.etag-unquoted" },
    { RWDAV_E_IF_ETAG_CHAR, "if.etag-char" },
    { RWDAV_E_IF_ETAG_UNCLOSED, "if.etag-unclosed" },
    { RWDAV_E_IF_ETAG_BRACKET, "if.etag-bracket" },
    { RWDAV_E_IF_TAG_UNCLOSED, "if.tag-unclosed" },
    { RWDAV_E_IF_TAG_EMPTY, "if.tag-empty" },
    { RWDAV_E_IF_TAG_NOT_REFERENCE, "if.tag-not-reference" },
    { RWDAV_E_IF_TAG_NETWORK_PATH, "if.tag-network-path" },
    { RWDAV_E_IF_TAG_BAD_ESCAPE, "if.tag-bad-escape" },
    { RWDAV_E_IF_TAG_ENCODED_NUL, "if.tag-encoded-nul" },
    { RWDAV_E_IF_TAG_FRAGMENT, "if.tag-fragment" },
    { RWDAV_E_IF_TAG_CHAR, "if.tag-char" },
    { RWDAV_E_IF_TAG_USERINFO_CHAR, "if.tag-userinfo-char" },
    { RWDAV_E_IF_TAG_IP_LITERAL_CHAR, "if.tag-ip-literal-char" },
    { RWDAV_E_IF_TAG_IP_LITERAL_UNCLOSED, "if.tag-ip-literal-unclosed" },
    { RWDAV_E_IF_TAG_HOST_CHAR, "if.tag-host-char" },
    { RWDAV_E_IF_TAG_AFTER_HOST, "if.tag-after-host" },
    { RWDAV_E_IF_TAG_PORT_NOT_NUMBER, "if.tag-port-not-number" },
    { RWDAV_E_IF_TAG_PORT_RANGE, "if.tag-port-range" },
    { RWDAV_E_IF_TAG_NUL, "if.tag-nul" },
    { RWDAV_E_IF_TAG_DOT_SEGMENT, "if.tag-dot-segment" },
    { RWDAV_E_IF_TAG_SCHEME, "if.tag-scheme" },
    { RWDAV_E_IF_TAG_NO_HOST, "if.tag-no-host" },
    { RWDAV_E_IF_TAG_USERINFO, "if.tag-userinfo" },
    { RWDAV_E_IF_REFRESH_NO_IF, "if.refresh-without-if" },
    { RWDAV_E_IF_REFRESH_NO_TOKEN, "if.refresh-without-token" },
    { RWDAV_E_TIMEOUT_EMPTY, "timeout.empty" },
    { RWDAV_E_TIMEOUT_TOO_LONG, "timeout.too-long" },
    { RWDAV_E_TIMEOUT_VALUE, "timeout.value" },
    { RWDAV_E_TIMEOUT_DIGITS, "timeout.digits" },
    { RWDAV_E_TIMEOUT_RANGE, "timeout.range" },
    { RWDAV_E_TIMEOUT_SEPARATOR, "timeout.separator" },
    { RWDAV_E_TIMEOUT_TOO_MANY, "timeout.too-many" },
    { RWDAV_E_TIMEOUT_NO_VALUE, "timeout.no-value" },
    { RWDAV_E_LOCKTOKEN_EMPTY, "lock-token.empty" },
    { RWDAV_E_LOCKTOKEN_TOO_LONG, "lock-token.too-long" },
    { RWDAV_E_LOCKTOKEN_UNCLOSED, "lock-token.unclosed" },
    { RWDAV_E_LOCKTOKEN_BARE, "lock-token.bare" },
    { RWDAV_E_LOCKTOKEN_EMPTY_URI, "lock-token.empty-uri" },
    { RWDAV_E_LOCKTOKEN_NOT_URI, "lock-token.not-uri" },
    { RWDAV_E_LOCKTOKEN_OPAQUE, "lock-token.opaquelocktoken" },
    { RWDAV_E_BODY_TOO_LARGE, "body.too-large" },
    { RWDAV_E_BODY_PROPPATCH_EMPTY, "body.proppatch-empty" },
    { RWDAV_E_BODY_XML, "body.xml" },
    { RWDAV_E_BODY_NAMESPACE, "body.namespace" },
    { RWDAV_E_BODY_DOCTYPE, "body.doctype" },
    { RWDAV_E_BODY_PARSER, "body.parser-unavailable" },
    { RWDAV_E_BODY_NO_ROOT, "body.no-root" },
    { RWDAV_E_BODY_NESTING, "body.nesting" },
    { RWDAV_E_BODY_PROPFIND_ROOT, "body.propfind-root" },
    { RWDAV_E_BODY_PROPPATCH_ROOT, "body.proppatch-root" },
    { RWDAV_E_BODY_LOCKINFO_ROOT, "body.lockinfo-root" },
    { RWDAV_E_BODY_PROP_TWICE, "body.prop-twice" },
    { RWDAV_E_BODY_FORM_TWICE, "body.propfind-repeated" },
    { RWDAV_E_BODY_INCLUDE_TWICE, "body.include-twice" },
    { RWDAV_E_BODY_PROPFIND_FORM, "body.propfind-form" },
    { RWDAV_E_BODY_INCLUDE_ALONE, "body.include-without-allprop" },
    { RWDAV_E_BODY_UPDATE_EMPTY, "body.propertyupdate-empty" },
    { RWDAV_E_BODY_UPDATE_PROP, "body.set-remove-prop" },
    { RWDAV_E_BODY_LOCKINFO_CHILD, "body.lockinfo-child" },
    { RWDAV_E_BODY_LOCKINFO_PARTS, "body.lockinfo-parts" },
    { RWDAV_E_BODY_LOCKSCOPE_TWICE, "body.lockscope-twice" },
    { RWDAV_E_BODY_LOCKTYPE_TWICE, "body.locktype-twice" },
    { RWDAV_E_BODY_OWNER_TWICE, "body.owner-twice" },
    { RWDAV_E_BODY_LOCKSCOPE, "body.lockscope" },
    { RWDAV_E_BODY_LOCKTYPE, "body.locktype" },
    { RWDAV_E_LOCKTOKEN_MISSING, "lock-token.missing" },
    { RWDAV_E_LOCKTOKEN_NOT_FS, "lock-token.not-fs" },
    { RWDAV_E_DEST_MISSING, "destination.missing" },
    { RWDAV_E_DEST_UNKNOWN_SERVER, "destination.unknown-server" },
    { RWDAV_E_CL_BODY_NOT_ALLOWED, "content-length.body-not-allowed" },
    { RWDAV_E_CL_SHORT_BODY, "content-length.short-body" },
    { RWDAV_E_DEST_NOT_PROXIED, "destination.not-proxied" },
    { RWDAV_E_DEST_OTHER_BACKEND, "destination.other-backend" },
};

START_TEST(test_id_name_pinned)
{
    ck_assert_msg(!strcmp(rwdav_error_id_name(id_names[_i].id),
                          id_names[_i].name),
                  "id %d is \"%s\", published as \"%s\"",
                  (int)id_names[_i].id,
                  rwdav_error_id_name(id_names[_i].id), id_names[_i].name);
}
END_TEST

/* The family a name starts with is its sub-status's header. */
static const char *family(rwdav_substatus sub)
{
    static const char *const f[RWDAV_SUB_MAX + 1] = {
        "", "destination", "depth", "if", "overwrite", "translate", "body",
        "content-length", "timeout", "lock-token"
    };
    return f[sub];
}

/* Each row: "family.rule" in lowercase, a family its sub-status's, a name
 * no other id has, and an error built as the row says. */
START_TEST(test_id_row)
{
    rwdav_error_id id = (rwdav_error_id)_i;
    apr_pool_t *p = unit_pool();
    const char *name = rwdav_error_id_name(id), *dot = strchr(name, '.'), *c;
    rwdav_error *e = rwdav_fault(p, id, 5);
    int k;

    ck_assert_msg(dot && !strchr(dot + 1, '.') && dot[1], "id %d: \"%s\"",
                  _i, name);
    for (c = name; *c; c++)
        ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')
                      || *c == '-' || *c == '.', "\"%s\": '%c'", name, *c);
    ck_assert_msg(e->id == id && e->offset == 5 && e->detail == NULL,
                  "%s: id %d, offset %lu", name, (int)e->id,
                  (unsigned long)e->offset);
    ck_assert_msg(e->status == 400 || e->status == 403 || e->status == 413
                  || e->status == 500 || e->status == 502, "%s: status %d",
                  name, e->status);
    ck_assert_msg(e->sub > RWDAV_SUB_NONE && e->sub <= RWDAV_SUB_MAX
                  && !strncmp(name, family(e->sub), (apr_size_t)(dot - name))
                  && family(e->sub)[dot - name] == '\0',
                  "%s: sub-status %d", name, (int)e->sub);
    ck_assert_msg(e->reason && e->reason[0] && e->field
                  && !strcmp(e->field, rwdav_substatus_field(e->sub)),
                  "%s: reason or field", name);
    ck_assert_msg(!e->condition || e->condition[0], "%s: condition", name);
    for (k = RWDAV_E_NONE + 1; k < RWDAV_E__COUNT; k++)
        ck_assert_msg(k == _i || strcmp(rwdav_error_id_name(k), name),
                      "ids %d and %d are both \"%s\"", k, _i, name);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(test_id_none)
{
    apr_pool_t *p = unit_pool();
    rwdav_error *e;

    ck_assert_int_eq(NROWS(id_names), RWDAV_E__COUNT - 1);
    ck_assert_str_eq(rwdav_error_id_name(RWDAV_E_NONE), "");
    ck_assert_str_eq(rwdav_error_id_name(RWDAV_E__COUNT), "");
    /* no id: a 500, not a status of 0 */
    e = rwdav_fault(p, RWDAV_E__COUNT, 0);
    ck_assert_msg(e->id == RWDAV_E_NONE && e->status == 500,
                  "no such id: id %d, status %d", (int)e->id, e->status);
    /* a row's fields, and the offset as given */
    e = rwdav_fault(p, RWDAV_E_LOCKTOKEN_NOT_FS, 1);
    ck_assert_msg(e->id == RWDAV_E_LOCKTOKEN_NOT_FS && e->status == 400
                  && e->sub == RWDAV_SUB_LOCK_TOKEN && e->offset == 1
                  && !strcmp(e->field, "Lock-Token") && !e->condition
                  && !e->detail, "rwdav_fault");
    apr_pool_destroy(p);
}
END_TEST

/* expat's and apr_xml's words go to detail; reason stays the row's. */
START_TEST(test_body_detail)
{
    static const char *const bodies[] = {
        "<D:propfind xmlns:D=\"DAV:\"><D:allprop/>",
        "<D:propfind><D:allprop/></D:propfind>",
    };
    apr_pool_t *p = unit_pool();
    rwdav_limits lim;
    int k;

    unit_limits(&lim, NULL);
    for (k = 0; k < 2; k++) {
        rwdav_body *b = rwdav_body_create(p, RWDAV_BODY_PROPFIND, &lim);
        rwdav_error *e = rwdav_body_feed(b, bodies[k], strlen(bodies[k]));
        if (!e)
            e = rwdav_body_finish(b);
        ck_assert_msg(e && e->id == (k ? RWDAV_E_BODY_NAMESPACE
                                       : RWDAV_E_BODY_XML)
                      && e->detail && e->detail[0]
                      && !strcmp(e->reason, rwdav_fault(p, e->id, 0)->reason),
                      "%s: detail", bodies[k]);
    }
    apr_pool_destroy(p);
}
END_TEST

/* ---- what the 449 policies read from a body (rwdav_body_collect) ---- */

typedef struct {
    const char *name;
    rwdav_body_kind kind;
    const char *in;
    rwdav_propfind_form form;
    int owner;
    const char *props;      /* the recorded names joined by " " */
} facts_row;

static const facts_row facts_rows[] = {
    { "propfind prop", RWDAV_BODY_PROPFIND,
      "<D:propfind xmlns:D=\"DAV:\" xmlns:x=\"urn:x\"><D:prop><D:getetag/>"
      "<x:color/></D:prop></D:propfind>",
      RWDAV_FORM_PROP, 0, "{DAV:}getetag {urn:x}color" },
    { "propfind no-namespace prop", RWDAV_BODY_PROPFIND,
      "<propfind xmlns=\"DAV:\"><prop><p xmlns=\"\"/></prop></propfind>",
      RWDAV_FORM_PROP, 0, "{}p" },
    { "propfind allprop", RWDAV_BODY_PROPFIND,
      "<propfind xmlns=\"DAV:\"><allprop/></propfind>", RWDAV_FORM_ALLPROP, 0, "" },
    { "propfind empty body", RWDAV_BODY_PROPFIND, "", RWDAV_FORM_ALLPROP, 0, "" },
    { "propfind propname", RWDAV_BODY_PROPFIND,
      "<propfind xmlns=\"DAV:\"><propname/></propfind>", RWDAV_FORM_PROPNAME, 0, "" },
    { "proppatch set and remove", RWDAV_BODY_PROPPATCH,
      "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:e=\"http://example.com/ns\">"
      "<D:remove><D:prop><e:old/></D:prop></D:remove>"
      "<D:set><D:prop><e:project>p<e:nested/></e:project><e:b/></D:prop></D:set>"
      "</D:propertyupdate>",
      RWDAV_FORM_NONE, 0, "{http://example.com/ns}project {http://example.com/ns}b" },
    { "lockinfo with owner", RWDAV_BODY_LOCKINFO,
      "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:shared/></D:lockscope>"
      "<D:locktype><D:write/></D:locktype><D:owner>me</D:owner></D:lockinfo>",
      RWDAV_FORM_NONE, 1, "" },
    { "proppatch set, then removed", RWDAV_BODY_PROPPATCH,
      "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:e=\"urn:e\">"
      "<D:set><D:prop><e:a/><e:b/></D:prop></D:set>"
      "<D:remove><D:prop><e:a/></D:prop></D:remove></D:propertyupdate>",
      RWDAV_FORM_NONE, 0, "{urn:e}b" },
    { "proppatch removed, then set", RWDAV_BODY_PROPPATCH,
      "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:e=\"urn:e\">"
      "<D:remove><D:prop><e:a/></D:prop></D:remove>"
      "<D:set><D:prop><e:a>1</e:a></D:prop></D:set></D:propertyupdate>",
      RWDAV_FORM_NONE, 0, "{urn:e}a" },
    { "proppatch xml-prefixed name has no namespace", RWDAV_BODY_PROPPATCH,
      "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>"
      "<xmlp:project xmlns:xmlp=\"http://example.com/ns\">p</xmlp:project>"
      "</D:prop></D:set></D:propertyupdate>",
      RWDAV_FORM_NONE, 0, "{}xmlp:project" },
    { "proppatch namespace with references", RWDAV_BODY_PROPPATCH,
      "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>"
      "<T:tag xmlns:T=\"urn:a&amp;b\"/><U:tag xmlns:U=\"urn:c&#38;d\"/>"
      "<V:tag xmlns:V=\"urn:&lt;&quot;&gt;\"/>"
      "</D:prop></D:set></D:propertyupdate>",
      RWDAV_FORM_NONE, 0, "{urn:a&b}tag {urn:c&d}tag {urn:<\">}tag" },
    { "proppatch svn name with a colon", RWDAV_BODY_PROPPATCH,
      "<D:propertyupdate xmlns:D=\"DAV:\" "
      "xmlns:C=\"http://subversion.tigris.org/xmlns/custom/\"><D:set><D:prop>"
      "<C:bugtraq:url>u</C:bugtraq:url></D:prop></D:set></D:propertyupdate>",
      RWDAV_FORM_NONE, 0,
      "{http://subversion.tigris.org/xmlns/custom/}bugtraq:url" },
    { "propfind non-ASCII name", RWDAV_BODY_PROPFIND,
      "<propfind xmlns=\"DAV:\"><prop><x:caf\xc3\xa9 xmlns:x=\"urn:x\"/>"
      "</prop></propfind>", RWDAV_FORM_PROP, 0, "{urn:x}caf\xc3\xa9" },
    { "lockinfo empty owner", RWDAV_BODY_LOCKINFO,
      LI_OPEN LI_SCOPE LI_TYPE "<D:owner/></D:lockinfo>",
      RWDAV_FORM_NONE, 0, "" },
    { "lockinfo blank owner", RWDAV_BODY_LOCKINFO,
      LI_OPEN LI_SCOPE LI_TYPE "<D:owner> &#32;\n\t&#x9;</D:owner></D:lockinfo>",
      RWDAV_FORM_NONE, 0, "" },
    { "lockinfo owner href", RWDAV_BODY_LOCKINFO,
      LI_OPEN LI_SCOPE LI_TYPE "<D:owner><D:href/></D:owner></D:lockinfo>",
      RWDAV_FORM_NONE, 1, "" },
    { "lockinfo owner is a reference", RWDAV_BODY_LOCKINFO,
      LI_OPEN LI_SCOPE LI_TYPE "<D:owner>&amp;</D:owner></D:lockinfo>",
      RWDAV_FORM_NONE, 1, "" },
    { "lockinfo owner text after a comment", RWDAV_BODY_LOCKINFO,
      LI_OPEN LI_SCOPE LI_TYPE "<D:owner><!-- c --> x</D:owner></D:lockinfo>",
      RWDAV_FORM_NONE, 1, "" },
    { "lockinfo without owner", RWDAV_BODY_LOCKINFO,
      "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:shared/></D:lockscope>"
      "<D:locktype><D:write/></D:locktype></D:lockinfo>",
      RWDAV_FORM_NONE, 0, "" },
};

START_TEST(test_body_facts)
{
    const facts_row *row = &facts_rows[_i];
    apr_pool_t *p = unit_pool();
    rwdav_limits lim;
    apr_size_t n = strlen(row->in), split;

    unit_limits(&lim, NULL);
    /* the same facts whatever the split, and from apr_xml alone (split
     * n + 1: whole, without the fast scanner) */
    for (split = 0; split <= n + 1; split++) {
        rwdav_body *b = rwdav_body_create(p, row->kind, &lim);
        const apr_array_header_t *props;
        const char *joined = "";
        apr_size_t k = split > n ? n : split;
        int i;
        if (split > n)
            rwdav_body_parser_only(b);
        rwdav_body_collect(b);
        ck_assert_ptr_null(rwdav_body_feed(b, row->in, k));
        ck_assert_ptr_null(rwdav_body_feed(b, row->in + k, n - k));
        ck_assert_ptr_null(rwdav_body_finish(b));
        ck_assert_int_eq(rwdav_body_form(b), row->form);
        ck_assert_int_eq(rwdav_body_has_owner(b), row->owner);
        props = rwdav_body_props(b);
        for (i = 0; i < props->nelts; i++)
            joined = apr_pstrcat(p, joined, i ? " " : "",
                                 APR_ARRAY_IDX(props, i, const char *), NULL);
        ck_assert_msg(!strcmp(joined, row->props), "[%s] split %lu: props "
                      "\"%s\", expected \"%s\"", row->name,
                      (unsigned long)split, joined, row->props);
    }
    apr_pool_destroy(p);
}
END_TEST

static const struct { const char *in; int ok; } propname_rows[] = {
    { "{DAV:}owner", 1 }, { "{http://example.com/ns}project", 1 },
    { "{}local", 1 }, { "{urn:x}a-b.c_d", 1 },
    { "project", 0 }, { "{urn:x}", 0 }, { "{urn:x", 0 }, { "", 0 },
    { "{urn:x}1abc", 0 }, { "{urn:x}a:b", 0 }, { "{urn x}a", 0 },
    { "{urn:x}a b", 0 },
};

START_TEST(test_propname_ok)
{
    ck_assert_msg(rwdav_propname_ok(propname_rows[_i].in) == propname_rows[_i].ok,
                  "\"%s\": expected %d", propname_rows[_i].in,
                  propname_rows[_i].ok);
}
END_TEST

/* Found by fuzz_body (corpus/body/crash-split-413-or-400): a body over the
 * cap whose first bytes are already malformed was 413 fed whole but 400 fed
 * in two parts. The bytes under the cap are judged first now. */
START_TEST(test_body_cap_judges_prefix_first)
{
    apr_pool_t *p = unit_pool();
    rwdav_limits custom = { 0 }, lim;
    const char *bad = "pt>te>te>te>te>te>te>te>te>te>te>te>";   /* 36 bytes */
    const char *good = "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>";
    /* text before the root: expat stops at its first byte */
    const unit_verdict want_400 = BE(XML, 0), want_413 = BE(TOO_LARGE, 8);
    rwdav_body *b;
    rwdav_error *e;

    custom.body_bytes = 8;
    unit_limits(&lim, &custom);
    b = rwdav_body_create(p, RWDAV_BODY_PROPPATCH, &lim);
    e = rwdav_body_feed(b, bad, strlen(bad));
    CK_VERDICT(p, e, want_400, UNIT_NO_LEN, "malformed before the cap, whole",
               bad, strlen(bad));
    b = rwdav_body_create(p, RWDAV_BODY_PROPPATCH, &lim);
    e = rwdav_body_feed(b, bad, 4);
    if (!e)
        e = rwdav_body_feed(b, bad + 4, strlen(bad) - 4);
    CK_VERDICT(p, e, want_400, UNIT_NO_LEN, "malformed before the cap, split",
               bad, strlen(bad));
    b = rwdav_body_create(p, RWDAV_BODY_PROPPATCH, &lim);
    e = rwdav_body_feed(b, good, strlen(good));
    CK_VERDICT(p, e, want_413, UNIT_NO_LEN, "well-formed up to the cap", good,
               strlen(good));
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_body(void)
{
    Suite *s = suite_create("body");
    TCase *tc = tcase_create("body");

    /* every split of every body: allow time for the 1 MB rows */
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_body, 0, NROWS(body_rows));
    tcase_add_test(tc, test_body_empty_feeds);
    tcase_add_test(tc, test_body_cap_judges_prefix_first);
    suite_add_tcase(s, tc);
    tc = tcase_create("xml_escape");
    tcase_add_loop_test(tc, test_xml_escape, 0, NROWS(esc_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("facts");
    tcase_add_loop_test(tc, test_body_facts, 0, NROWS(facts_rows));
    tcase_add_loop_test(tc, test_propname_ok, 0, NROWS(propname_rows));
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, test_limits_default);
    suite_add_tcase(s, tc);
    tc = tcase_create("fault_ids");
    tcase_add_loop_test(tc, test_id_name_pinned, 0, NROWS(id_names));
    tcase_add_loop_test(tc, test_id_row, RWDAV_E_NONE + 1, RWDAV_E__COUNT);
    tcase_add_test(tc, test_id_none);
    tcase_add_test(tc, test_body_detail);
    suite_add_tcase(s, tc);
    return s;
}
