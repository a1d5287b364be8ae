"""Turns template.yaml into the CloudFormation that AWS SAM would deploy, offline, and prints it as JSON.

CloudFormation itself would resolve AWS::Include and `sam package` would upload local CodeUri/DefinitionUri
paths; neither runs here, so the include is inlined from the local file and local paths become placeholder
S3 URIs before aws-sam-translator runs.
"""
import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The template names managed policies by ARN only, so no IAM lookup is needed."""

    def load(self):
        return {}


def inline_includes(node, root):
    if isinstance(node, dict):
        transform_spec = node.get("Fn::Transform")
        if isinstance(transform_spec, dict) and transform_spec.get("Name") == "AWS::Include":
            with open(os.path.join(root, transform_spec["Parameters"]["Location"]), encoding="utf-8") as included:
                return json.load(included)
        return {key: inline_includes(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_includes(item, root) for item in node]
    return node


def main(template_path):
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    root = os.path.dirname(os.path.abspath(template_path))
    with open(template_path, encoding="utf-8") as source:
        template = yaml_parse(source.read())
    template = inline_includes(template, root)
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            properties["CodeUri"] = "s3://placeholder-bucket/" + properties["CodeUri"]
        if resource["Type"] == "AWS::Serverless::StateMachine" and isinstance(properties.get("DefinitionUri"), str):
            properties["DefinitionUri"] = "s3://placeholder-bucket/" + properties["DefinitionUri"]
    output = transform(template, {}, NoManagedPolicies())
    json.dump(output, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
