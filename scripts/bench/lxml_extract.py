#!/usr/bin/env python3
"""Peer of Chevet's CDA benchmark: the same extraction with Python lxml.

For each file given, N times: parse the CDA, read id / setId / versionNumber / code / title,
find the PDF to show first (N1 nonXMLBody, else the observationMedia of the "Copie du document"
section 1.2.250.1.213.1.1.2.243) and decode its base64. Prints the total seconds on stdout.
"""
import base64
import sys
import time

from lxml import etree

NS = {"h": "urn:hl7-org:v3"}
PDF_COPY = "1.2.250.1.213.1.1.2.243"


def extract(data):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(data, parser)
    doc = root if etree.QName(root).localname == "ClinicalDocument" else root.find(".//h:ClinicalDocument", NS)
    if doc is None:
        return None
    header = (
        doc.find("h:id", NS),
        doc.find("h:setId", NS),
        doc.find("h:versionNumber", NS),
        doc.find("h:code", NS),
        doc.findtext("h:title", namespaces=NS),
    )
    body = doc.find("h:component/h:nonXMLBody/h:text", NS)
    if body is None:
        for section in doc.iterfind(".//h:section", NS):
            if any(t.get("root") == PDF_COPY for t in section.iterfind("h:templateId", NS)):
                body = section.find(".//h:observationMedia/h:value", NS)
                break
    pdf = None
    if body is not None and body.text:
        text = "".join(body.text.split())
        pdf = base64.b64decode(text + "=" * (-len(text) % 4))
    return header, pdf


def main():
    rounds = int(sys.argv[1])
    files = [open(p, "rb").read() for p in sys.argv[2:]]
    start = time.perf_counter()
    pdfs = 0
    for _ in range(rounds):
        for data in files:
            result = extract(data)
            if result and result[1]:
                pdfs += 1
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.6f} {pdfs}")


if __name__ == "__main__":
    main()
