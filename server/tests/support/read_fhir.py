"""Validates a FHIR R4 (4.0.1) resource with the fhir.resources package (an independent
parser: every element, type and cardinality of the specification) and prints a summary
as JSON: its resourceType and, for a Bundle, the resourceType and id of each entry.
Fails, naming the element, on anything the specification does not allow."""
import json
import sys

import fhir.resources
from fhir.resources import get_fhir_model_class

assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__

with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
resource = get_fhir_model_class(data["resourceType"]).parse_obj(data)
summary = {"resourceType": resource.resource_type}
if resource.resource_type == "Bundle":
    summary["type"] = resource.type
    summary["entries"] = [
        {"resourceType": e.resource.resource_type, "id": e.resource.id, "fullUrl": e.fullUrl}
        for e in resource.entry or []
    ]
else:
    summary["items"] = len(getattr(resource, "item", None) or [])
print(json.dumps(summary))
