#ifndef CHAOS_TEST_CLIBXML2_SHIM_H
#define CHAOS_TEST_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU. Letting encoding.h pull in ICU's headers next to
// Foundation makes clean builds fail ("'UErrorCode' has different definitions in
// different modules"); we never use libxml2's ICU converters, so switch them off
// before anything else includes encoding.h.
#include <libxml/xmlversion.h>
#ifdef LIBXML_ICU_ENABLED
#undef LIBXML_ICU_ENABLED
#endif

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer; Swift 6 rejects calling it as not
// concurrency-safe. A static inline wrapper is a plain function to Swift.
static inline void chaos_xml_free(void *pointer) { xmlFree(pointer); }

#endif
