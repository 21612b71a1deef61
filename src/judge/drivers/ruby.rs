//! Ruby: the candidate's code is its own file (`solution.rb`, loaded by the driver, so
//! backtraces show the candidate's line numbers) defining a top-level method in LeetCode's
//! snake_case (`two_sum`); `ListNode` and `TreeNode` are defined first, as LeetCode-style code
//! expects them without a `require`. Everything else of the driver lives in one module, so a
//! candidate's helper methods and constants cannot collide with it.

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD, quoted};
use crate::problems::types::{Type, snake_case};

const DRIVER: &str = r##"
unless ENV.key?("RUBY_THREAD_VM_STACK_SIZE")
  # Ruby's stacks (1 MiB) are sized when it starts and end a recursive flood fill of a
  # 200x200 grid; start again with room for that (32 MiB: ~300,000 calls, and infinite
  # recursion still ends in SystemStackError before the memory limit). The restart skips
  # RubyGems, most of Ruby's start-up, and is handed the installed gems' folders instead,
  # so that `require "prime"` still works.
  stacks = (32 << 20).to_s
  gems = Gem::Specification.stubs.group_by(&:name).values.map { |versions| versions.max_by(&:version) }
  exec({ "RUBY_THREAD_VM_STACK_SIZE" => stacks, "RUBY_THREAD_MACHINE_STACK_SIZE" => stacks,
         "CODEROOM_GEM_PATHS" => gems.flat_map(&:full_require_paths).join(File::PATH_SEPARATOR) },
       RbConfig.ruby, "--disable-gems", __FILE__, 3 => 3)
end

require "json"
require "stringio"
require "strscan"
# After the standard library's own folders, which keep precedence over the gems' copies.
$LOAD_PATH.concat(ENV.fetch("CODEROOM_GEM_PATHS", "").split(File::PATH_SEPARATOR))

class ListNode
  attr_accessor :val, :next

  def initialize(val = 0, _next = nil)
    @val = val
    @next = _next
  end
end

class TreeNode
  attr_accessor :val, :left, :right

  def initialize(val = 0, left = nil, right = nil)
    @val = val
    @left = left
    @right = right
  end
end

module CoderoomDriver
  # A test's prints, kept up to CAP bytes: a loop printing megabytes costs no memory.
  class Capture < StringIO
    def initialize
      super(String.new(encoding: Encoding::BINARY))
    end

    def write(*parts)
      parts.sum do |part|
        bytes = part.to_s.b
        room = CAP - string.bytesize
        super(bytes.byteslice(0, room)) if room.positive?
        bytes.bytesize
      end
    end

    def text
      string.dup.force_encoding(Encoding::UTF_8).scrub
    end
  end

  TOKEN = /[ \n]*[^ \n]+/
  NUMBER = { "int" => :to_i, "long" => :to_i, "double" => :to_f }.freeze

  def self.tok
    @input.scan(TOKEN).strip
  end

  def self.read(type)
    if type.end_with?("[]")
      inner = type[0...-2]
      n = tok.to_i
      # A number's token converts with its leading separator: one scan per element.
      return Array.new(n) { @input.scan(TOKEN).public_send(NUMBER[inner]) } if NUMBER.key?(inner)
      return Array.new(n) { read(inner) }
    end
    case type
    when "int", "long" then tok.to_i
    when "double" then tok.to_f
    when "bool" then tok == "1"
    when "char" then tok.to_i.chr(Encoding::UTF_8)
    when "string"
      n = tok.to_i
      start = @input.pos + 1
      @input.pos = start + n
      @input.string.byteslice(start, n).force_encoding(Encoding::UTF_8)
    when "list"
      read("int[]").reverse.inject(nil) { |head, v| ListNode.new(v, head) }
    when "tree"
      vals = Array.new(tok.to_i) { (t = tok) == "n" ? nil : t.to_i }
      return nil if vals.empty?
      root = TreeNode.new(vals[0])
      queue = [root]
      i = 1
      k = 0
      while i < vals.length && k < queue.length
        node = queue[k]
        k += 1
        unless vals[i].nil?
          node.left = TreeNode.new(vals[i])
          queue << node.left
        end
        i += 1
        if i < vals.length && !vals[i].nil?
          node.right = TreeNode.new(vals[i])
          queue << node.right
        end
        i += 1
      end
      root
    else
      raise ArgumentError, "unknown type #{type}"
    end
  end

  def self.out(type, v)
    case type
    when "list"
      values = []
      until v.nil?
        values << v.val
        raise "the returned list has a cycle" if values.length > 1_000_000
        v = v.next
      end
      values
    when "tree"
      values = []
      queue = [v]
      k = 0
      while k < queue.length
        node = queue[k]
        k += 1
        if node.nil?
          values << nil
        else
          values << node.val
          queue << node.left << node.right
        end
        raise "the returned tree is too large or has a cycle" if k > 2_000_000
      end
      values.pop while !values.empty? && values.last.nil?
      values
    else
      if type.end_with?("[]") && v.is_a?(Array)
        inner = type[0...-2]
        v.map { |x| out(inner, x) }
      elsif v.is_a?(Float) && !v.finite?
        nil
      else
        v
      end
    end
  end

  # The exception and the innermost line of the candidate's code it passed through, without
  # the folder the sandbox ran it in.
  def self.describe(error)
    text = "#{error.class}: #{error.message}".gsub("#{__dir__}/", "")
    frame = (error.backtrace || []).lazy.filter_map { |line| line.match(/solution\.rb:(\d+):in [`'](.+)'/) }.first
    frame ? "#{text} (solution.rb, line #{frame[1]}, in #{frame[2]})" : text
  end

  def self.restore
    $stdout = STDOUT
    $stderr = STDERR
  end

  # The candidate's method: top-level in LeetCode's style (its own, not Kernel's: `trap`
  # is a problem's name), or on a `Solution` class.
  def self.function
    main = TOPLEVEL_BINDING.receiver
    names = [NAME, CAMEL].uniq
    found = names.find { |n| Object.private_method_defined?(n, false) || Object.public_method_defined?(n, false) }
    return main.method(found) if found
    solution = Object.const_defined?(:Solution, false) && Object.const_get(:Solution, false)
    return nil unless solution.is_a?(Class)
    found = names.find { |n| solution.method_defined?(n) || solution.private_method_defined?(n) }
    found && solution.new.method(found)
  end

  def self.main
    @input = StringScanner.new($stdin.binmode.read)
    results = IO.new(RESULTS_FD, "wb", autoclose: false)
    nonce = tok
    count = tok.to_i
    emit = lambda do |line|
      results.write("#{nonce} #{line}\n")
      results.flush
    end

    $stdout = $stderr = Capture.new
    begin
      load File.join(__dir__, "solution.rb")
      fn = function
    # Anything that stops the file from loading, a SyntaxError (a ScriptError) included.
    rescue Exception => e
      emit.call(JSON.generate({ compile: describe(e) }))
      return
    ensure
      restore
    end
    if fn.nil?
      emit.call(JSON.generate({ compile: "solution.rb does not define a method named #{NAME}" }))
      return
    end

    count.times do |i|
      args = PARAMS.map { |t| read(t) }
      capture = Capture.new
      record = { i: i }
      $stdout = $stderr = capture
      started = Process.clock_gettime(Process::CLOCK_MONOTONIC, :float_millisecond)
      begin
        result = fn.call(*args)
        record[:ms] = Process.clock_gettime(Process::CLOCK_MONOTONIC, :float_millisecond) - started
        restore
        record[:v] = out(ANSWER, MUTATED.nil? ? result : args[MUTATED])
        record[:s] = "ok"
      rescue NoMemoryError
        record[:s] = "memory"
      # `exit` and `raise Exception` too end only this test.
      rescue Exception => e
        record[:s] = "error"
        record[:e] = describe(e)
      ensure
        restore
      end
      record[:ms] ||= Process.clock_gettime(Process::CLOCK_MONOTONIC, :float_millisecond) - started
      record[:o] = capture.text
      line = begin
        JSON.generate(record)
      rescue JSON::GeneratorError, Encoding::UndefinedConversionError, ArgumentError
        JSON.generate({ i: i, s: "error", e: "the returned value cannot be converted to #{ANSWER}",
                        o: record[:o], ms: record[:ms] })
      end
      emit.call(line)
    end
  end
end

Thread.new { CoderoomDriver.main }.join
"##;

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let params: Vec<String> = call.sig.params.iter().map(|p| quoted(&p.ty.to_string())).collect();
    let header = format!(
        "module CoderoomDriver\n  NAME = {}\n  CAMEL = {}\n  PARAMS = [{}].freeze\n  ANSWER = {}\n  MUTATED = {}\n  CAP = {CAPTURE_CAP}\n  RESULTS_FD = {RESULTS_FD}\nend\n",
        quoted(&call.sig.snake_name()),
        quoted(&call.sig.name),
        params.join(", "),
        quoted(&call.answer_type().to_string()),
        call.mutated.map_or("nil".to_string(), |i| i.to_string()),
    );
    vec![("main.rb".into(), format!("{header}{DRIVER}")), ("solution.rb".into(), code.to_string())]
}

/// The type names of LeetCode's Ruby YARD comments.
fn doc_type(ty: &Type) -> String {
    match ty {
        Type::Int | Type::Long => "Integer".into(),
        Type::Double => "Float".into(),
        Type::Bool => "Boolean".into(),
        Type::Char => "Character".into(),
        Type::String => "String".into(),
        Type::Array(inner) => format!("{}[]", doc_type(inner)),
        Type::List => "ListNode".into(),
        Type::Tree => "TreeNode".into(),
        Type::Void => "Void".into(),
    }
}

const EMPTY: EmptyValues = EmptyValues::dynamic("false", "nil");

pub fn starter(call: &Call) -> String {
    let mut out = call.provided("# Definition for singly-linked list (provided).\n# class ListNode\n#   attr_accessor :val, :next\n#   def initialize(val = 0, _next = nil)\n#     @val = val\n#     @next = _next\n#   end\n# end\n\n", "# Definition for a binary tree node (provided).\n# class TreeNode\n#   attr_accessor :val, :left, :right\n#   def initialize(val = 0, left = nil, right = nil)\n#     @val = val\n#     @left = left\n#     @right = right\n#   end\n# end\n\n");
    for p in &call.sig.params {
        out.push_str(&format!("# @param {{{}}} {}\n", doc_type(&p.ty), snake_case(&p.name)));
    }
    let body = match call.mutated {
        Some(i) => {
            let name = snake_case(&call.sig.params[i].name);
            out.push_str(&format!("# @return {{Void}} Do not return anything, modify {name} in-place instead.\n"));
            format!("  # Modify {name} in place.\n  nil\n")
        }
        None => {
            out.push_str(&format!("# @return {{{}}}\n", doc_type(&call.sig.returns)));
            format!("  # Write your solution here.\n  {}\n", EMPTY.of(&call.sig.returns))
        }
    };
    let params: Vec<String> = call.sig.params.iter().map(|p| snake_case(&p.name)).collect();
    out.push_str(&format!("def {}({})\n{body}end\n", call.sig.snake_name(), params.join(", ")));
    out
}
