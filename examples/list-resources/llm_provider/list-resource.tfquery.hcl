# Every record on the platform that Terraform can adopt, with its attributes, so that
# terraform query -generate-config-out=FILE writes a resource and an import block for each.
list "llm_provider" "all" {
  provider         = llm
  include_resource = true
}
